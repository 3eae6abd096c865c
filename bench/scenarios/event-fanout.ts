// How much later an OpenCode event reaches a browser through Studio than it reaches a client subscribed to
// OpenCode directly, with 100 Studio clients connected, all in the same run. Clients are raw sockets that
// only timestamp what arrives; frames are parsed afterwards, so the measuring does not skew the result.

import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { waitFor } from '../../test/harness/wait.js'
import type { Scenario } from '../context.js'
import { ms, table } from '../results-file.js'
import { summarize } from '../stats.js'

const CLIENTS = 100
const GOAL_P99_MS = 5
/** Sessions created (each one event or two on the stream), spaced so events do not queue behind each other. */
const EVENTS = 300
const SPACING_MS = 20

interface Arrival {
  at: number
  chunk: Buffer
}

interface RawClient {
  socket: Socket
  arrivals: Arrival[]
}

function subscribe(url: string, path: string, authorization?: string): Promise<RawClient> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    const client: RawClient = { socket, arrivals: [] }
    socket.on('data', (chunk: Buffer) => client.arrivals.push({ at: performance.now(), chunk }))
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n${authorization ? `Authorization: ${authorization}\r\n` : ''}\r\n`)
      resolve(client)
    })
  })
}

/** When each OpenCode event id first arrived (a frame may span chunks: it counts when it completed). */
function arrivalTimes(client: RawClient): Map<string, number> {
  const out = new Map<string, number>()
  let pending = ''
  for (const { at, chunk } of client.arrivals) {
    pending += chunk.toString('utf8')
    let end: number
    while ((end = pending.indexOf('\n\n')) >= 0) {
      const frame = pending.slice(0, end)
      pending = pending.slice(end + 2)
      const id = /"payload":\{"id":"(evt_[^"]+)"/.exec(frame)?.[1] ?? /"id":"(evt_[^"]+)"/.exec(frame)?.[1]
      if (id && !out.has(id)) out.set(id, at)
    }
  }
  return out
}

export const eventFanout: Scenario = {
  name: 'event-fanout',
  async run(ctx) {
    const direct = await subscribe(ctx.opencode.url, '/global/event', ctx.opencode.authorization)
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => subscribe(ctx.studio.url, '/api/global/event')))
    await waitFor(async () => {
      const res = await new Pool(ctx.studio.url).request({ method: 'GET', path: '/health' })
      const body = (await res.body.json()) as { events: { clients: number; upstreamConnected: boolean } }
      return body.events.clients >= CLIENTS && body.events.upstreamConnected
    }, { what: `${CLIENTS} Studio clients` })
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
    for (const c of [direct, ...clients]) c.socket.destroy()

    const base = arrivalTimes(direct)
    const added: number[] = []
    let matched = 0
    for (const c of clients) {
      for (const [id, at] of arrivalTimes(c)) {
        const first = base.get(id)
        if (first === undefined) continue
        added.push(at - first)
        matched++
      }
    }
    const s = summarize(added)
    const perClient = matched / CLIENTS
    return [
      `## event-fanout: added latency from OpenCode's event to ${CLIENTS} Studio clients`,
      '',
      `${new Date().toISOString()} · ${ctx.machine} · OpenCode ${ctx.opencode.version ?? '?'} · ${EVENTS} sessions created ${SPACING_MS} ms apart;`,
      `each Studio client's arrival time minus the arrival time at a client subscribed to OpenCode's /global/event directly, per event ·`,
      `command: \`npm run bench -- event-fanout\``,
      '',
      table(
        ['n (client × event)', 'events per client', 'median', 'p90', 'p99', 'max'],
        [[s.n, perClient.toFixed(0), ms(s.median), ms(s.p90), ms(s.p99), ms(Math.max(...added))]],
      ),
      '',
      `Added latency p99: **${ms(s.p99)} ms** (goal ≤ ${GOAL_P99_MS} ms: ${s.p99 <= GOAL_P99_MS ? 'met' : 'not met'}).`,
    ].join('\n')
  },
}
