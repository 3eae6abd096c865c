// Host and Origin checks in front of a real OpenCode: what they must reject never reaches OpenCode, and
// the UI's own requests (same origin, loopback names) go through.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { callJson } from '../support/http.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'

let mock: MockLlm
let opencode: OpenCode
let studio: InProcessStudio
let port: number

beforeAll(async () => {
  mock = await startMockLlm()
  opencode = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  studio = await startStudioInProcess({
    env: opencode.scratch.env,
    // allowed hosts make Studio reachable from elsewhere, which narrows the default workspaces: these
    // tests use scratch folders anywhere
    args: [...attachArgs(opencode), '--allowed-hosts', 'studio.lan,.corp.example', '--allowed-origins', 'http://localhost:5173', '--allowed-directories', '*'],
  })
  await studio.app.bridge.whenReady(10_000)
  port = Number(new URL(studio.url).port)
})

afterAll(async () => {
  await studio?.close()
  await opencode?.stop()
  await mock?.close()
  opencode?.scratch.remove()
})

const call = (path: string, headers: Record<string, string>, method: 'GET' | 'POST' | 'OPTIONS' = 'GET', body?: unknown) =>
  callJson(`${studio.url}${path}`, { method, headers, body })

async function sessionCount(dir: string): Promise<number> {
  const res = await request(`${opencode.url}/session?directory=${encodeURIComponent(dir)}`)
  return ((await res.body.json()) as unknown[]).length
}

describe('Host check (DNS rebinding)', () => {
  it.each([
    `localhost:${0}`,
    `127.0.0.1:${0}`,
    `[::1]:${0}`,
    'app.localhost',
    'studio.lan',
    'studio.lan:8080',
    'corp.example',
    'a.b.corp.example',
  ])('answers Host %s', async (host) => {
    const res = await call('/health', { host: host.replace(':0', `:${port}`) })
    expect(res.status).toBe(200)
  })

  it.each(['evil.example', `evil.example:${0}`, 'corp.example.evil.example', '127.0.0.1.nip.io', 'studio.lan.evil'])(
    'refuses Host %s before any route runs',
    async (host) => {
      for (const path of ['/health', '/api/session', '/nope']) {
        const res = await call(path, { host: host.replace(':0', `:${port}`) })
        expect(res.status).toBe(403)
        expect(res.body.code).toBe('host_not_allowed')
      }
    },
  )
})

describe('Origin check on state-changing requests', () => {
  it("lets the UI's own origin and origin-less clients create sessions", async () => {
    const dir = opencode.scratch.dir('origin-ok')
    const own = await call(`/api/session?directory=${encodeURIComponent(dir)}`, { origin: studio.url }, 'POST', { title: 'ui' })
    expect(own.status).toBe(200)
    const curl = await call(`/api/session?directory=${encodeURIComponent(dir)}`, {}, 'POST', { title: 'cli' })
    expect(curl.status).toBe(200)
    const allowed = await call(`/api/session?directory=${encodeURIComponent(dir)}`, { origin: 'http://localhost:5173' }, 'POST', { title: 'dev ui' })
    expect(allowed.status).toBe(200)
    expect(await sessionCount(dir)).toBe(3)
  })

  it.each(['http://evil.example', 'null', 'http://localhost:9999', `http://127.0.0.1:${0}.evil.example`])(
    'refuses a POST from origin %s, and nothing reaches OpenCode',
    async (origin) => {
      const dir = opencode.scratch.dir(`origin-bad-${Math.random().toString(36).slice(2)}`)
      const res = await call(`/api/session?directory=${encodeURIComponent(dir)}`, { origin: origin.replace(':0', `:${port}`) }, 'POST', { title: 'x' })
      expect(res.status).toBe(403)
      expect(res.body.code).toBe('origin_not_allowed')
      expect(await sessionCount(dir)).toBe(0)
    },
  )

  it('lets reads from a foreign origin through but gives that page no CORS access', async () => {
    const res = await call('/api/config', { origin: `http://localhost:${port + 1}` })
    expect(res.status).toBe(200)
    // OpenCode itself would allow any localhost origin; Studio must not pass that on.
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('answers CORS preflights itself: allowed origins get access, others a 403', async () => {
    const preflight = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }
    const ok = await call('/api/session', { origin: 'http://localhost:5173', ...preflight }, 'OPTIONS')
    expect(ok.status).toBe(204)
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:5173')
    const bad = await call('/api/session', { origin: 'http://localhost:9999', ...preflight }, 'OPTIONS')
    expect(bad.status).toBe(403)
    expect(bad.headers['access-control-allow-origin']).toBeUndefined()
    const read = await call('/api/config', { origin: 'http://localhost:5173' })
    expect(read.headers['access-control-allow-origin']).toBe('http://localhost:5173')
    expect(read.headers['access-control-expose-headers']).toContain('x-request-id')
  })
})
