// How much later an OpenCode event reaches a browser through Studio than it reaches a client subscribed to
// OpenCode directly, with 100 Studio clients connected, all in the same run. Readers are raw sockets in
// helper processes (bench/fanout-reader.ts) that only timestamp what arrives; frames are parsed afterwards.

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { waitFor } from '../../test/harness/wait.js'
import type { Scenario } from '../context.js'
import { ms, table } from '../results-file.js'
import { summarize } from '../stats.js'

const CLIENTS = 100
/** Studio's clients are spread over this many reader processes. */
const READER_PROCESSES = 2
const GOAL_P99_MS = 5
/** Sessions created (each one or two events on the stream), spaced so events do not queue behind each other. */
const EVENTS = 300
const SPACING_MS = 20
const READER = fileURLToPath(new URL('../fanout-reader.ts', import.meta.url))

interface Reader {
  child: ChildProcess
  output: Promise<Record<string, number>[]>
}

function startReader(args: string[]): Promise<Reader> {
  const child = spawn(process.execPath, ['--import', 'tsx', READER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  const output = new Promise<Record<string, number>[]>((resolve, reject) => {
    child.once('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('['))
      if (line) resolve(JSON.parse(line) as Record<string, number>[])
      else reject(new Error(`reader printed no result: ${out}`))
    })
  })
  return waitFor(() => out.includes('ready'), { what: 'reader ready' }).then(() => ({ child, output }))
}

export const eventFanout: Scenario = {
  name: 'event-fanout',
  async run(ctx) {
    const direct = await startReader([ctx.opencode.url, '/global/event', '1', ...(ctx.opencode.authorization ? [ctx.opencode.authorization] : [])])
    const readers = await Promise.all(
      Array.from({ length: READER_PROCESSES }, () => startReader([ctx.studio.url, '/api/global/event', String(CLIENTS / READER_PROCESSES)])),
    )
    const health = new Pool(ctx.studio.url)
    await waitFor(async () => {
      const res = await health.request({ method: 'GET', path: '/health' })
      const body = (await res.body.json()) as { events: { clients: number; upstreamConnected: boolean } }
      return body.events.clients >= CLIENTS && body.events.upstreamConnected
    }, { what: `${CLIENTS} Studio clients` })
    await health.close()
    await sleep(500)

    const dir = ctx.opencode.scratch.dir('fanout-bench')
    const pool = new Pool(ctx.opencode.url, { connections: 1 })
    for (let i = 0; i < EVENTS; i++) {
      const res = await pool.request({
        method: 'POST',
        path: `/session?directory=${encodeURIComponent(dir)}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: `fan-out ${i}` }),
      })
      await res.body.dump()
      await sleep(SPACING_MS)
    }
    await sleep(1000)
    await pool.close()
    for (const r of [direct, ...readers]) r.child.stdin!.end()
    const [base] = await direct.output
    const studioClients = (await Promise.all(readers.map((r) => r.output))).flat()

    const added: number[] = []
    for (const client of studioClients) {
      for (const [id, at] of Object.entries(client)) {
        const first = base![id]
        if (first !== undefined) added.push(at - first)
      }
    }
    const s = summarize(added)
    // where the time goes: the first Studio client to get an event, and the spread to the last one
    const firsts: number[] = []
    const spreads: number[] = []
    for (const id of Object.keys(base!)) {
      const times = studioClients.map((c) => c[id]).filter((t): t is number => t !== undefined)
      if (times.length === 0) continue
      firsts.push(Math.min(...times) - base![id]!)
      spreads.push(Math.max(...times) - Math.min(...times))
    }
    const sf = summarize(firsts)
    const ss = summarize(spreads)
    return [
      `## event-fanout: added latency from OpenCode's event to ${CLIENTS} Studio clients`,
      '',
      `${new Date().toISOString()} · ${ctx.machine} · OpenCode ${ctx.opencode.version ?? '?'} · ${EVENTS} sessions created ${SPACING_MS} ms apart;`,
      `per event and Studio client: its arrival time minus the arrival time at a client subscribed to OpenCode's /global/event directly`,
      `(readers in ${READER_PROCESSES + 1} helper processes) · command: \`npm run bench -- event-fanout\``,
      '',
      table(
        ['added latency', 'n', 'median', 'p90', 'p99', 'max'],
        [
          ['all clients', s.n, ms(s.median), ms(s.p90), ms(s.p99), ms(Math.max(...added))],
          ['first Studio client per event', sf.n, ms(sf.median), ms(sf.p90), ms(sf.p99), ms(Math.max(...firsts))],
          ['spread, first to last Studio client', ss.n, ms(ss.median), ms(ss.p90), ms(ss.p99), ms(Math.max(...spreads))],
        ],
      ),
      '',
      `Added latency p99: **${ms(s.p99)} ms** (goal ≤ ${GOAL_P99_MS} ms: ${s.p99 <= GOAL_P99_MS ? 'met' : 'not met'}).`,
    ].join('\n')
  },
}
