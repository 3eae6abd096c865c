// A bench helper process: opens N raw event-stream connections, timestamps every chunk as it arrives
// (absolute ms, comparable across processes), and when stdin closes prints, per connection, when each
// OpenCode event id first completed. Spreading readers over processes keeps one process's read loop
// from skewing the measurement. Usage: fanout-reader.ts <origin> <path> <connections> [authorization]

import { connect } from 'node:net'
import { performance } from 'node:perf_hooks'

const [origin, path, countText, authorization] = process.argv.slice(2) as [string, string, string, string | undefined]
const { hostname, port } = new URL(origin)
const clients: { at: number; chunk: Buffer }[][] = []

for (let i = 0; i < Number(countText); i++) {
  const arrivals: { at: number; chunk: Buffer }[] = []
  clients.push(arrivals)
  const socket = connect(Number(port), hostname, () => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n${authorization ? `Authorization: ${authorization}\r\n` : ''}\r\n`)
  })
  socket.on('data', (chunk: Buffer) => arrivals.push({ at: performance.timeOrigin + performance.now(), chunk }))
  socket.on('error', () => {})
}
process.stdout.write('ready\n')

process.stdin.resume()
process.stdin.on('end', () => {
  const out = clients.map((arrivals) => {
    const seen: Record<string, number> = {}
    let pending = ''
    for (const { at, chunk } of arrivals) {
      pending += chunk.toString('utf8')
      let end: number
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const frame = pending.slice(0, end)
        pending = pending.slice(end + 2)
        const id = /"payload":\{"id":"(evt_[^"]+)"/.exec(frame)?.[1]
        if (id && seen[id] === undefined) seen[id] = at
      }
    }
    return seen
  })
  // exit only once the (large) line is flushed to the pipe
  process.stdout.write(`${JSON.stringify(out)}\n`, () => process.exit(0))
})
