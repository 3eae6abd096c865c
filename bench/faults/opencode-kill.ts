// kill -9 of the spawned OpenCode, again and again, while 10 clients stream /api/global/event and a
// reader loop pages sessions, messages and status through Studio. Goals: no failed read; no event lost
// or duplicated without a replay-gap frame; and how long until OpenCode is ready again after each kill.

import { request } from 'undici'
import { table } from '../results-file.js'
import { percentile } from '../stats.js'
import type { Scratch } from '../../test/harness/scratch.js'
import { hasExited } from '../../test/harness/proc.js'
import { waitFor } from '../../test/harness/wait.js'
import { openSse, type SseClient } from '../../test/support/sse.js'
import { callJson } from '../../test/support/http.js'
import { startStudioChild, studioHealth, waitStudioReady } from '../../test/support/studio.js'

const CLIENTS = 10
const pct = (xs: number[], p: number) => percentile([...xs].sort((a, b) => a - b), p)
const max = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), 0)
const START_MS = 180_000

export interface FaultContext {
  scratch: Scratch
  machine: string
  when: string
  /** The command line that produced the run. */
  command: string
  /** The mock LLM's OpenAI base URL, for a case that starts an OpenCode of its own. */
  llmBaseUrl: string
}

export async function opencodeKill(ctx: FaultContext): Promise<string> {
  const kills = Number(process.env.FAULTS_KILLS ?? 20)
  const dir = ctx.scratch.workspace
  const studio = await startStudioChild({ env: ctx.scratch.env, args: ['--opencode-cwd', dir, '--opencode-start-timeout-ms', String(START_MS)] })
  const enc = encodeURIComponent(dir)
  let stop = false
  const reads = { total: 0, failed: 0, failures: new Map<string, number>(), ms: [] as number[] }
  try {
    await waitStudioReady(studio.url, { timeoutMs: START_MS })
    const session = (await callJson(`${studio.url}/api/session?directory=${enc}`, { method: 'POST', body: { title: 'fault run' } })).body
    await callJson(`${studio.url}/api/session/${session.id}/message?directory=${enc}`, { method: 'POST', body: { parts: [{ type: 'text', text: 'seed [[chunks:2]]' }] } })
    const clients: SseClient[] = []
    for (let i = 0; i < CLIENTS; i++) clients.push(await openSse(`${studio.url}/api/global/event`))

    // events keep flowing: a title change every 200 ms (writes may fail while OpenCode is down: not counted)
    const writer = (async () => {
      for (let n = 0; !stop; n++) {
        await callJson(`${studio.url}/api/session/${session.id}?directory=${enc}`, { method: 'PATCH', body: { title: `fault run ${n}` } }).catch(() => {})
        await new Promise((r) => setTimeout(r, 200))
      }
    })()
    const paths = [`/api/session?directory=${enc}`, `/api/session/${session.id}/message?directory=${enc}&limit=20`, `/api/session/status?directory=${enc}`]
    const reader = (async () => {
      while (!stop) {
        for (const path of paths) {
          const started = performance.now()
          let status = 0
          try {
            const res = await request(`${studio.url}${path}`)
            await res.body.dump()
            status = res.statusCode
          } catch {
            status = -1
          }
          reads.total++
          reads.ms.push(performance.now() - started)
          if (status !== 200) {
            reads.failed++
            const key = `${path.split('?')[0]} → ${status}`
            reads.failures.set(key, (reads.failures.get(key) ?? 0) + 1)
          }
        }
      }
    })()

    const readyMs: number[] = []
    for (let i = 0; i < kills; i++) {
      const before = await waitStudioReady(studio.url, { timeoutMs: START_MS })
      const pid = before.opencode.pid as number
      const t0 = performance.now()
      process.kill(pid, 'SIGKILL')
      await waitFor(() => hasExited(pid), { timeoutMs: 10_000, intervalMs: 5, what: 'opencode gone' })
      await waitFor(async () => {
        const h = await studioHealth(studio.url)
        return h.opencode.state === 'ready' && h.opencode.pid !== pid
      }, { timeoutMs: START_MS, intervalMs: 20, what: 'opencode ready again' })
      readyMs.push(performance.now() - t0)
      process.stderr.write(`  kill ${i + 1}/${kills}: ready again after ${Math.round(readyMs.at(-1)!)} ms\n`)
      await new Promise((r) => setTimeout(r, 1000)) // let events flow between kills
    }
    stop = true
    await Promise.all([writer, reader])
    await new Promise((r) => setTimeout(r, 500))

    let received = 0
    let lost = 0
    let duplicated = 0
    let gaps = 0
    for (const c of clients) {
      let last: number | null = null
      let gapSeen = false
      for (const e of c.events) {
        if (e.event === 'replay-gap') {
          gaps++
          gapSeen = true
          continue
        }
        if (!e.id) continue
        const n = Number(e.id)
        received++
        if (last !== null && n <= last) duplicated++
        else if (last !== null && n > last + 1 && !gapSeen) lost += n - last - 1
        if (last === null || n > last) last = n
        gapSeen = false
      }
      c.close()
    }
    const health = await studioHealth(studio.url)
    const verdict = (ok: boolean) => (ok ? 'met' : '**not met**')
    const failures = [...reads.failures].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'
    return [
      `## opencode-kill: kill -9 of the spawned OpenCode ${kills} times, ${CLIENTS} event clients, a reader loop`,
      '',
      `${ctx.when} · ${ctx.machine} · OpenCode ${health.opencode.version} · Studio spawns OpenCode; ${CLIENTS} clients on /api/global/event; one loop`,
      'reads the session list, a message page and status through Studio without pause; a title change every 200 ms keeps events',
      `coming · command: \`${ctx.command}\`${process.env.FAULTS_KILLS ? ` with FAULTS_KILLS=${kills}` : ''}`,
      '',
      table(
        ['figure', 'value', 'goal', 'verdict'],
        [
          ['kills', kills, '', ''],
          ['reads', reads.total, '', ''],
          ['failed reads', reads.failed, '0', verdict(reads.failed === 0)],
          ['read time p50 / p99 / max', `${pct(reads.ms, 50).toFixed(1)} / ${pct(reads.ms, 99).toFixed(1)} / ${max(reads.ms).toFixed(1)}`, '', ''],
          ['events received (all clients)', received, '', ''],
          ['events lost without a replay-gap', lost, '0', verdict(lost === 0)],
          ['events duplicated', duplicated, '0', verdict(duplicated === 0)],
          ['replay-gap frames', gaps, '', ''],
          ['time to ready after a kill: p50 / max', `${pct(readyMs, 50).toFixed(0)} / ${max(readyMs).toFixed(0)}`, '', ''],
          ['Studio restarts counted', health.opencode.restarts, String(kills), verdict(health.opencode.restarts === kills)],
        ],
      ),
      '',
      `Failed reads by route: ${failures}. Time to ready includes Studio's restart backoff: each kill came within 10 s of`,
      'the previous start, so Studio counts them as a crash loop (0.5 s, 1 s, 2 s … up to 30 s between starts).',
    ].join('\n')
  } finally {
    stop = true
    await studio.stop()
  }
}
