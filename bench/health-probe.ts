// Asks Studio's /health at a steady rhythm from a thread of its own while some work runs, and reports each
// answer's time. The probe must not share the event loop of the code that produces the load: a 90 MB body
// written from the same thread would stall the probe itself and be blamed on Studio.

import { Worker } from 'node:worker_threads'

/** Plain CommonJS for an eval'd worker: one keep-alive connection, one request at a time. */
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const { performance } = require('node:perf_hooks')
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
const times = []
let running = true
parentPort.on('message', (m) => { if (m === 'stop') running = false })
function once() {
  return new Promise((resolve, reject) => {
    const t = performance.now()
    const req = http.get(workerData.url + '/health', { agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(performance.now() - t))
    })
    req.on('error', reject)
  })
}
;(async () => {
  while (running) {
    times.push(await once())
    await new Promise((r) => setTimeout(r, workerData.everyMs))
  }
  agent.destroy()
  parentPort.postMessage(times)
})().catch((err) => parentPort.postMessage({ error: String(err) }))
`

/** Runs `work` while another thread asks `${url}/health` every `everyMs`; resolves with the answer times (ms). */
export async function probeHealthWhile(url: string, everyMs: number, work: () => Promise<void>): Promise<number[]> {
  const worker = new Worker(PROBE_SOURCE, { eval: true, workerData: { url, everyMs } })
  const result = new Promise<number[]>((resolve, reject) => {
    worker.once('message', (m: number[] | { error: string }) => (Array.isArray(m) ? resolve(m) : reject(new Error(`health probe: ${m.error}`))))
    worker.once('error', reject)
  })
  try {
    await work()
  } finally {
    worker.postMessage('stop')
  }
  const times = await result
  await worker.terminate()
  return times
}
