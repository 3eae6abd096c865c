// OpenCode writing at full speed while readers page from Studio's storage index: 4 writer loops prompt 4
// sessions without pause (a real turn through the mock LLM, then three noReply messages, and so on, so
// OpenCode's SQLite takes a steady stream of writes), and 4 reader loops page the session list (plain
// and as a tree) and message pages (plain and pruned), which Studio answers from OpenCode's storage.
// Goal: no failed read while the database is being written.

import { request } from 'undici'
import { table } from '../results-file.js'
import { percentile } from '../stats.js'
import { callJson } from '../../test/support/http.js'
import { startStudioChild, studioHealth, waitStudioReady } from '../../test/support/studio.js'
import type { FaultContext } from './opencode-kill.js'

const WRITERS = 4
const READERS = 4
const START_MS = 180_000

export async function writerReaders(ctx: FaultContext): Promise<string> {
  const seconds = Number(process.env.FAULTS_WRITER_SECONDS ?? 60)
  const dir = ctx.scratch.workspace
  const enc = encodeURIComponent(dir)
  const studio = await startStudioChild({ env: ctx.scratch.env, args: ['--opencode-cwd', dir, '--opencode-start-timeout-ms', String(START_MS), '--log-level', 'warn'] })
  const writes = { done: 0, failed: 0, failures: new Map<string, number>() }
  const reads = { total: 0, failed: 0, degraded: 0, failures: new Map<string, number>(), ms: [] as number[], byRoute: new Map<string, number[]>() }
  let stop = false
  try {
    await waitStudioReady(studio.url, { timeoutMs: START_MS })
    const sessions: string[] = []
    for (let i = 0; i < WRITERS; i++) {
      sessions.push((await callJson(`${studio.url}/api/session?directory=${enc}`, { method: 'POST', body: { title: `writer ${i}` } })).body.id)
    }
    const writer = async (id: string) => {
      for (let n = 0; !stop; n++) {
        const body = n % 4 === 0 ? { parts: [{ type: 'text', text: `turn ${n} [[chunks:4]]` }] } : { noReply: true, parts: [{ type: 'text', text: `note ${n}` }] }
        const res = await callJson(`${studio.url}/api/session/${id}/message?directory=${enc}`, { method: 'POST', body }).catch((err: Error) => ({ status: -1, text: err.message }))
        if (res.status === 200) writes.done++
        else {
          writes.failed++
          writes.failures.set(String(res.status), (writes.failures.get(String(res.status)) ?? 0) + 1)
        }
      }
    }
    const routes = (id: string): [string, string][] => [
      ['session list', `/api/session?directory=${enc}`],
      ['session tree', `/api/session?directory=${enc}&roots=true&includeChildren=true&includeTotal=true&limit=20`],
      ['session tree, focused', `/api/session?directory=${enc}&focusSessionId=${id}&includeChildren=true`],
      ['message page', `/api/session/${id}/message?directory=${enc}&limit=50`],
      ['message page, pruned', `/api/session/${id}/message?directory=${enc}&limit=50&prune=true`],
    ]
    const reader = async (r: number) => {
      for (let n = 0; !stop; n++) {
        for (const [route, path] of routes(sessions[(r + n) % sessions.length]!)) {
          const started = performance.now()
          let outcome = 'ok'
          try {
            const res = await request(`${studio.url}${path}`)
            const text = await res.body.text()
            if (res.headers['x-opencode-studio-consistency'] !== undefined) reads.degraded++
            if (res.statusCode !== 200) outcome = String(res.statusCode)
            else JSON.parse(text)
          } catch (err) {
            outcome = (err as Error).name === 'SyntaxError' ? 'not JSON' : 'no answer'
          }
          const ms = performance.now() - started
          reads.total++
          reads.ms.push(ms)
          if (!reads.byRoute.has(route)) reads.byRoute.set(route, [])
          reads.byRoute.get(route)!.push(ms)
          if (outcome !== 'ok') {
            reads.failed++
            const key = `${route} → ${outcome}`
            reads.failures.set(key, (reads.failures.get(key) ?? 0) + 1)
          }
        }
      }
    }
    const loops = [...sessions.map(writer), ...Array.from({ length: READERS }, (_, r) => reader(r))]
    const ticker = setInterval(() => process.stderr.write(`  ${writes.done} writes, ${reads.total} reads, ${reads.failed} failed\n`), 10_000)
    await new Promise((r) => setTimeout(r, seconds * 1000))
    stop = true
    clearInterval(ticker)
    await Promise.all(loops)

    const messages = (await callJson(`${studio.url}/api/session/${sessions[0]}/message?directory=${enc}`)).body as unknown[]
    const health = await studioHealth(studio.url)
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
    const all = sorted(reads.ms)
    const fmt = (xs: number[]) => `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 99).toFixed(1)} / ${xs.at(-1)!.toFixed(1)}`
    const list = (m: Map<string, number>) => [...m].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'
    return [
      `## writer-readers: OpenCode writing at full speed while ${READERS} readers page from storage`,
      '',
      `${ctx.when} · ${ctx.machine} · OpenCode ${health.opencode.version} · Studio spawns OpenCode; ${WRITERS} writer loops, one per session, send`,
      'prompts without pause (every 4th a turn through the mock LLM with 4 streamed chunks, the others noReply); ' +
        `${READERS} reader loops read the session list (plain, tree, focused tree) and message pages (limit=50, plain and prune=true) from Studio's`,
      `storage index for ${seconds} s · command: \`${ctx.command}\`${process.env.FAULTS_WRITER_SECONDS ? ` with FAULTS_WRITER_SECONDS=${seconds}` : ''}`,
      '',
      table(
        ['figure', 'value', 'goal', 'verdict'],
        [
          ['writes done (prompts answered 200)', `${writes.done} (${(writes.done / seconds).toFixed(1)}/s)`, '', ''],
          ['writes failed', writes.failed, '', ''],
          ['messages in the first session at the end', messages.length, '', ''],
          ['reads', reads.total, '', ''],
          ['failed reads', reads.failed, '0', reads.failed === 0 ? 'met' : '**not met**'],
          ['reads answered as degraded (x-opencode-studio-consistency)', reads.degraded, '', ''],
          ['read time p50 / p99 / max', fmt(all), '', ''],
          ...[...reads.byRoute].map(([route, ms]) => [`… ${route}: p50 / p99 / max`, fmt(sorted(ms)), '', '']),
        ],
      ),
      '',
      `Failed reads by route: ${list(reads.failures)}. Failed writes by status: ${list(writes.failures)}.`,
    ].join('\n')
  } finally {
    stop = true
    await studio.stop()
  }
}
