// Forwarding a prompt with a 10 MB serverPath attachment: a cache miss (read + encode into a blob, then
// stream it), a hit (stream the blob), and a naive forwarder (read, encode, build one JSON string) as the
// baseline, each measured as the forwarding process's CPU time and peak resident memory per forward. Then
// 8 forwards at once, to show memory stays flat however large the attachments are.

import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { waitFor } from '../../test/harness/wait.js'
import type { Scenario } from '../context.js'
import { startHelperServer } from '../helper-server.js'
import { cpuNs, peakResidentMb } from '../../test/harness/proc.js'
import { table } from '../results-file.js'

const FILE_BYTES = 10 * 1024 * 1024
const ROUNDS = 8
const CONCURRENT = 8
const GOAL_CONCURRENT_MB = 40
const GOAL_WARM_FACTOR = 3
const RELAY_CLIENTS = 10
const RELAY_ROUNDS = 3
const GOAL_SLIM_SHARE = 0.1
const NAIVE = fileURLToPath(new URL('../naive-forwarder.ts', import.meta.url))
/** Quiet time after a prompt, so its last events have passed before the next forward is measured. */
const SETTLE_MS = 300

interface Measured {
  cpuMsPerForward: number
  /** CPU spent afterwards relaying OpenCode's events about the new message (NaN where not separated). */
  relayMsPerForward: number
  peakMb: number
  baselineMb: number
}

export const attachmentForward: Scenario = {
  name: 'attachment-forward',
  async run(ctx) {
    const ws = ctx.opencode.scratch.dir('attach-bench')
    const q = `directory=${encodeURIComponent(ws)}`
    const files = Array.from({ length: ROUNDS + CONCURRENT }, (_, i) => {
      const path = join(ws, `doc-${i}.pdf`)
      writeFileSync(path, Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(FILE_BYTES - 9)]))
      return path
    })
    const opencode = new Pool(ctx.opencode.url, { connections: 4 })
    const newSession = async () => {
      const res = await opencode.request({ method: 'POST', path: `/session?${q}`, headers: { 'content-type': 'application/json' }, body: '{"title":"bench"}' })
      return ((await res.body.json()) as { id: string }).id
    }

    const studio = new Pool(ctx.studio.url, { connections: CONCURRENT })
    /** Forwards one file through Studio's prompt_async; resolves with the session, once Studio answered 204. */
    const forward = async (file: string) => {
      const session = await newSession()
      const res = await studio.request({
        method: 'POST',
        path: `/api/session/${session}/prompt_async?${q}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parts: [{ type: 'text', text: 'bench' }, { type: 'file', serverPath: file }] }),
      })
      await res.body.dump()
      if (res.statusCode !== 204) throw new Error(`forward answered ${res.statusCode}`)
      return session
    }
    /** Waits until OpenCode is done with the prompt and its (large) events have passed through Studio. */
    const settle = async (session: string) => {
      await waitFor(
        async () => {
          const res = await opencode.request({ method: 'GET', path: `/session/status?${q}` })
          return !((await res.body.json()) as Record<string, unknown>)[session]
        },
        { timeoutMs: 60_000, what: 'prompt done' },
      )
      await new Promise((r) => setTimeout(r, SETTLE_MS))
    }
    /**
     * CPU of the forward itself (request in to 204 out) apart from the CPU of relaying OpenCode's events
     * about the new message afterwards: the cache can only change the first; the second is the same for a
     * hit and a miss (OpenCode echoes the attachment in its events).
     */
    const perForward = async (pid: number, run: (file: string) => Promise<string>, list: string[]) => {
      let forwardNs = 0
      let relayNs = 0
      const { peakMb, baselineMb } = await peakResidentMb(pid, async () => {
        for (const file of list) {
          const a = cpuNs(pid)
          const session = await run(file)
          const b = cpuNs(pid)
          await settle(session)
          forwardNs += b - a
          relayNs += cpuNs(pid) - b
        }
      })
      return { cpuMsPerForward: forwardNs / 1e6 / list.length, relayMsPerForward: relayNs / 1e6 / list.length, peakMb, baselineMb }
    }
    const burstOf = async (pid: number, run: (file: string) => Promise<string>, list: string[]): Promise<Measured> => {
      const before = cpuNs(pid)
      const { result, peakMb, baselineMb } = await peakResidentMb(pid, () => Promise.all(list.map(run)))
      for (const session of result) await settle(session)
      return { cpuMsPerForward: (cpuNs(pid) - before) / 1e6 / list.length, relayMsPerForward: Number.NaN, peakMb, baselineMb }
    }

    /**
     * CPU Studio spends, and bytes it sends, relaying the events of one forward (hit) to 10 connected
     * clients, full or slim (`?slim=true`: the part's data URL replaced by the raw route).
     */
    const relayTo = async (slim: boolean, list: string[], clients = RELAY_CLIENTS) => {
      const { hostname, port } = new URL(ctx.studio.url)
      let bytes = 0
      const sockets = Array.from({ length: clients }, () => {
        const socket = connect(Number(port), hostname, () =>
          socket.write(`GET /api/global/event${slim ? '?slim=true' : ''} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`),
        )
        socket.on('data', (chunk: Buffer) => (bytes += chunk.length))
        socket.on('error', () => {})
        return socket
      })
      try {
        await waitFor(() => bytes >= clients * 10, { what: 'relay clients connected' })
        let relayNs = 0
        const before = bytes
        for (const file of list) {
          const session = await forward(file)
          const a = cpuNs(ctx.studio.pid)
          await settle(session)
          relayNs += cpuNs(ctx.studio.pid) - a
        }
        return { cpuMs: relayNs / 1e6 / list.length, mb: (bytes - before) / list.length / 1024 / 1024 }
      } finally {
        for (const s of sockets) s.destroy()
      }
    }

    const rounds = files.slice(0, ROUNDS)
    const burst = files.slice(ROUNDS)
    const cold = await perForward(ctx.studio.pid, forward, rounds)
    const warm = await perForward(ctx.studio.pid, forward, rounds)
    const concurrentCold = await burstOf(ctx.studio.pid, forward, burst)
    const concurrentWarm = await burstOf(ctx.studio.pid, forward, burst)
    // no client at all: what Studio spends on the forward's events anyway (reading them from OpenCode,
    // indexing, status), so what the clients themselves cost can be told apart
    const relayNone = await relayTo(false, rounds.slice(0, RELAY_ROUNDS), 0)
    const relayFull = await relayTo(false, rounds.slice(0, RELAY_ROUNDS))
    const relaySlim = await relayTo(true, rounds.slice(0, RELAY_ROUNDS))

    const naiveServer = await startHelperServer(NAIVE, ctx.opencode.url, 'naive forwarder')
    let naive: Measured
    let naiveConcurrent: Measured
    try {
      const pool = new Pool(naiveServer.url, { connections: CONCURRENT })
      const naiveForward = async (file: string) => {
        const session = await newSession()
        const res = await pool.request({ method: 'POST', path: `/session/${session}?${q}&file=${encodeURIComponent(file)}` })
        await res.body.dump()
        if (res.statusCode !== 204) throw new Error(`naive forward answered ${res.statusCode}`)
        return session
      }
      naive = await perForward(naiveServer.pid, naiveForward, rounds)
      naiveConcurrent = await burstOf(naiveServer.pid, naiveForward, burst)
      await pool.close()
    } finally {
      await naiveServer.stop()
    }
    await studio.close()
    await opencode.close()

    const row = (name: string, m: Measured) => [
      name,
      m.cpuMsPerForward.toFixed(1),
      Number.isNaN(m.relayMsPerForward) ? '(included)' : m.relayMsPerForward.toFixed(1),
      (m.peakMb - m.baselineMb).toFixed(1),
      m.baselineMb.toFixed(0),
    ]
    const warmFactor = cold.cpuMsPerForward / warm.cpuMsPerForward
    const rise = Math.max(concurrentCold.peakMb - concurrentCold.baselineMb, concurrentWarm.peakMb - concurrentWarm.baselineMb)
    return [
      '## attachment-forward: a prompt with a 10 MB serverPath attachment',
      '',
      `${new Date().toISOString()} · ${ctx.machine} · OpenCode ${ctx.opencode.version ?? '?'} · ${FILE_BYTES / 1024 / 1024} MB PDF files, one new session per`,
      `forward; CPU is the forwarding process's on-CPU time over all its threads (/proc/<pid>/task/*/schedstat); memory is its resident`,
      `set sampled every 5 ms, as the rise over the level before the run. "The forward" is request in to 204 out; OpenCode then echoes`,
      `the attachment in its events (a part with the data URL), which every Studio relays whatever its cache did; that is the next column.`,
      `Concurrent rows give all CPU per forward, events included · command: \`npm run bench -- attachment-forward\``,
      '',
      table(
        ['forward', 'CPU ms: the forward', 'CPU ms: relaying its events after', 'peak RSS rise (MB)', 'RSS before (MB)'],
        [
          row(`Studio, cache miss (${ROUNDS} in a row)`, cold),
          row(`Studio, cache hit (${ROUNDS} in a row)`, warm),
          row(`naive read-and-encode forwarder (${ROUNDS} in a row)`, naive),
          row(`Studio, ${CONCURRENT} at once, misses`, concurrentCold),
          row(`Studio, ${CONCURRENT} at once, hits`, concurrentWarm),
          row(`naive forwarder, ${CONCURRENT} at once`, naiveConcurrent),
        ],
      ),
      '',
      `- A hit costs Studio **${warmFactor.toFixed(1)}×** less CPU than a miss (goal ≥ ${GOAL_WARM_FACTOR}×: ${warmFactor >= GOAL_WARM_FACTOR ? 'met' : 'not met'}).`,
      '',
      `Relaying one forward's events (a hit) to ${RELAY_CLIENTS} connected clients, ${RELAY_ROUNDS} forwards each: Studio's CPU from the 204 until the`,
      `prompt is done, and the bytes all clients received, per forward.`,
      '',
      table(
        ['clients', 'CPU ms relaying', 'MB sent to all clients'],
        [
          ['no client (what the events cost Studio anyway)', relayNone.cpuMs.toFixed(1), '-'],
          [`${RELAY_CLIENTS} full clients`, relayFull.cpuMs.toFixed(1), relayFull.mb.toFixed(2)],
          [`${RELAY_CLIENTS} slim clients (\`?slim=true\`)`, relaySlim.cpuMs.toFixed(1), relaySlim.mb.toFixed(3)],
        ],
      ),
      '',
      `- Slim clients cost **${((relaySlim.cpuMs / relayFull.cpuMs) * 100).toFixed(0)} %** of the CPU and **${((relaySlim.mb / relayFull.mb) * 100).toFixed(2)} %** of the bytes of full ones, ` +
        `all included; what the clients add over no client at all: slim **${(relaySlim.cpuMs - relayNone.cpuMs).toFixed(1)} ms**, full **${(relayFull.cpuMs - relayNone.cpuMs).toFixed(1)} ms** ` +
        `(a negative figure is run-to-run noise: nothing measurable), so slim costs ` +
        `**${((marginal(relaySlim.cpuMs, relayNone.cpuMs) / marginal(relayFull.cpuMs, relayNone.cpuMs)) * 100).toFixed(0)} %** ` +
        `(goal ≤ ${GOAL_SLIM_SHARE * 100} % of CPU and bytes, judged on what the clients add: ` +
        `${marginal(relaySlim.cpuMs, relayNone.cpuMs) <= marginal(relayFull.cpuMs, relayNone.cpuMs) * GOAL_SLIM_SHARE && relaySlim.mb <= relayFull.mb * GOAL_SLIM_SHARE ? 'met' : 'not met'}).`,
      `- ${CONCURRENT} concurrent 10 MB forwards raised Studio's RSS by at most **${rise.toFixed(1)} MB** (goal ≤ ${GOAL_CONCURRENT_MB} MB: ${rise <= GOAL_CONCURRENT_MB ? 'met' : 'not met'}).`,
    ].join('\n')
  },
}

/** CPU the clients add over the run without any (never below zero: the runs are noisy). */
function marginal(withClients: number, without: number): number {
  return Math.max(0, withClients - without)
}
