// Many connections that never send a request (or stop half way through its headers): Studio must go on
// answering others meanwhile, and close every one of them itself once its headers timeout has passed,
// with a 408 in JSON where it can still say so. Counts, never timings, decide.

import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'

export interface IdleResult {
  opened: number
  /** Closed by Studio (not by us) before the deadline. */
  closedByStudio: number
  /** Of those, how many were told 408 in JSON first. */
  told408: number
  /** Requests on fresh connections answered 200 while the idle ones were open. */
  served: number
  /** …out of this many. */
  probes: number
  /** The slowest of those answers (a figure for the fault suite; tests count instead). */
  maxProbeMs: number
}

export async function idleConnections(port: number, count: number, closeWithinMs: number): Promise<IdleResult> {
  const sockets: Socket[] = []
  let closedByStudio = 0
  let told408 = 0
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((resolve) => {
          const s = connect(port, '127.0.0.1', () => {
            // every other one starts a request and stops in the middle of its headers
            if (i % 2 === 1) s.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Idle: `)
            resolve()
          })
          let received = ''
          s.on('data', (b) => (received += b.toString('latin1')))
          s.on('close', () => {
            closedByStudio++
            if (/^HTTP\/1\.1 408/.test(received) && received.includes('"code":"request_timeout"')) told408++
          })
          s.on('error', () => resolve())
          sockets.push(s)
        }),
    ),
  )
  let served = 0
  let probes = 0
  let maxProbeMs = 0
  const deadline = Date.now() + closeWithinMs
  while (Date.now() < deadline && closedByStudio < count) {
    const t0 = performance.now()
    probes++
    const res = await request(`http://127.0.0.1:${port}/health`).catch(() => null)
    await res?.body.dump()
    if (res?.statusCode === 200) served++
    maxProbeMs = Math.max(maxProbeMs, performance.now() - t0)
    await sleep(100)
  }
  const closed = closedByStudio
  for (const s of sockets) s.destroy()
  return { opened: count, closedByStudio: closed, told408, served, probes, maxProbeMs }
}
