// Opening a long session: the newest page of 50 messages and an older one, from OpenCode
// (`/session/:id/message?limit=50`) and from Studio with `prune=true`, in bytes and time. The session
// (2,000 messages, bench/seed-messages.ts) is written into a copy of OpenCode's database, which a second
// OpenCode and a second Studio then serve.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Pool } from 'undici'
import { createScratch } from '../../test/harness/scratch.js'
import { startOpenCode } from '../../test/harness/opencode.js'
import { startStudioChild, waitStudioReady } from '../../test/support/studio.js'
import type { Scenario } from '../context.js'
import { ms, table } from '../results-file.js'
import { MESSAGES, seedLongSession } from '../seed-messages.js'
import { summarize } from '../stats.js'

const PAGE = 50
const ROUNDS = 30
const GOAL_BYTES = 20
const GOAL_SPEED = 5

export const messagePage: Scenario = {
  name: 'message-page',
  async run(ctx, { iterations }) {
    const dir = ctx.opencode.scratch.dir('message-page')
    const created = await new Pool(ctx.opencode.url).request({
      method: 'POST',
      path: `/session?directory=${encodeURIComponent(dir)}`,
      headers: { 'content-type': 'application/json' },
      body: '{"title":"long session"}',
    })
    const sessionId = ((await created.body.json()) as { id: string }).id

    const scratch = createScratch({ llmBaseUrl: ctx.mock.baseUrl, prefix: 'ocs-bench-page-' })
    mkdirSync(scratch.dataDir, { recursive: true })
    const copy = join(scratch.dataDir, 'opencode.db')
    const source = new Database(join(ctx.opencode.scratch.dataDir, 'opencode.db'), { readonly: true })
    await source.backup(copy)
    source.close()
    const seeded = seedLongSession(copy, sessionId, dir)

    const opencode = await startOpenCode({ llmBaseUrl: ctx.mock.baseUrl, scratch })
    const studio = await startStudioChild({
      env: scratch.env,
      args: ['--opencode-port', String(opencode.port), '--opencode-data-dir', scratch.dataDir, '--log-level', 'warn'],
    })
    await waitStudioReady(studio.url, { timeoutMs: 60_000 })
    const ocPool = new Pool(opencode.url, { connections: 1 })
    const studioPool = new Pool(studio.url, { connections: 1 })
    try {
      const older = seeded.messages[MESSAGES / 2]!
      const cursor = Buffer.from(JSON.stringify({ id: older.id, time: older.time })).toString('base64')
      const q = `directory=${encodeURIComponent(dir)}`
      const pages = {
        newest: `limit=${PAGE}`,
        older: `limit=${PAGE}&before=${encodeURIComponent(cursor)}`,
      }
      const measure = async (pool: Pool, path: string) => {
        const times: number[] = []
        let bytes = 0
        let count = 0
        const rounds = Math.max(5, Math.min(ROUNDS, iterations))
        for (let i = 0; i < rounds + 2; i++) {
          const started = performance.now()
          const res = await pool.request({ method: 'GET', path })
          const body = Buffer.from(await res.body.arrayBuffer())
          const elapsed = performance.now() - started
          if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}: ${body.subarray(0, 200).toString()}`)
          if (i >= 2) times.push(elapsed) // two warm-up requests
          bytes = body.length
          count = (JSON.parse(body.toString()) as unknown[]).length
        }
        return { bytes, count, ...summarize(times) }
      }
      const rows: (string | number)[][] = []
      const verdicts: string[] = []
      for (const [name, query] of Object.entries(pages)) {
        const oc = await measure(ocPool, `/session/${sessionId}/message?${query}&${q}`)
        const full = await measure(studioPool, `/api/session/${sessionId}/message?${query}&${q}`)
        const pruned = await measure(studioPool, `/api/session/${sessionId}/message?${query}&prune=true&${q}`)
        if (oc.count !== PAGE || pruned.count !== PAGE) throw new Error(`expected ${PAGE} messages, got ${oc.count} / ${pruned.count}`)
        const kb = (b: number) => (b / 1024).toFixed(1)
        rows.push([`${name}: OpenCode`, kb(oc.bytes), ms(oc.median), ms(oc.p90)])
        rows.push([`${name}: Studio, whole parts`, kb(full.bytes), ms(full.median), ms(full.p90)])
        rows.push([`${name}: Studio, \`prune=true\``, kb(pruned.bytes), ms(pruned.median), ms(pruned.p90)])
        const fewer = oc.bytes / pruned.bytes
        const faster = oc.median / pruned.median
        verdicts.push(
          `- ${name} page: **${fewer.toFixed(0)}×** fewer bytes (goal ≥ ${GOAL_BYTES}×: ${fewer >= GOAL_BYTES ? 'met' : 'not met'}), ` +
            `**${faster.toFixed(1)}×** faster at the median (goal ≥ ${GOAL_SPEED}×: ${faster >= GOAL_SPEED ? 'met' : 'not met'}).`,
        )
      }
      return [
        `## message-page: a page of ${PAGE} messages of a ${MESSAGES}-message session`,
        '',
        `${new Date().toISOString()} · ${ctx.machine} · OpenCode ${opencode.version ?? '?'} · the session is seeded as rows into a copy of`,
        `OpenCode's database (bench/seed-messages.ts: 40 % of messages with a bash tool part, 5 % with a 100 KB output, 20 user`,
        `messages with a 1 MB PNG data URL), served by a second OpenCode and Studio. "older" is the page before the 1,000th message`,
        `(\`before=<cursor>\`). One connection, sequential requests, two warm-up requests then ${Math.max(5, Math.min(ROUNDS, iterations))} measured; bytes are the`,
        `uncompressed body; time is request to last byte on the client · command: \`npm run bench -- message-page\``,
        '',
        table(['page', 'KB', 'p50 ms', 'p90 ms'], rows),
        '',
        ...verdicts,
      ].join('\n')
    } finally {
      await ocPool.close()
      await studioPool.close()
      await studio.stop()
      await opencode.stop()
      scratch.remove()
    }
  },
}
