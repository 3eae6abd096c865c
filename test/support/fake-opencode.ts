// A stand-in for OpenCode, only for faults the real server cannot be made to produce (a connection
// dropped mid-request). Its health answer is the recorded real one, which attach-proxy.test.ts checks
// against the real OpenCode, so Studio sees the same readiness signal either way.

import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export const RECORDED_HEALTH = JSON.parse(
  readFileSync(new URL('../fixtures/opencode-1.18.33/global-health.json', import.meta.url), 'utf8'),
) as { healthy: boolean; version: string }

export interface FakeOpenCode {
  port: number
  close(): Promise<void>
}

/** Answers /global/health like OpenCode 1.18.33 and drops the connection on every other request. */
export async function startDroppingOpenCode(): Promise<FakeOpenCode> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/global/health') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(RECORDED_HEALTH))
      return
    }
    req.socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
