// What Studio answers when OpenCode is missing, not there yet, drops a connection, or is sent too much.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { freePort } from '../../src/lib/free-port.js'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { createScratch, type Scratch } from '../harness/scratch.js'
import { waitFor } from '../harness/wait.js'
import { startDroppingOpenCode } from '../support/fake-opencode.js'
import { openSse } from '../support/sse.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { callJson } from '../support/http.js'

let mock: MockLlm
let scratch: Scratch
const cleanups: (() => Promise<void> | void)[] = []

beforeAll(async () => {
  mock = await startMockLlm()
  scratch = createScratch({ llmBaseUrl: mock.baseUrl })
})

afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
  await mock?.close()
  scratch?.remove()
})

const get = (url: string) => callJson(url)

async function studioWith(args: string[]): Promise<InProcessStudio> {
  const studio = await startStudioInProcess({ env: scratch.env, args })
  cleanups.push(() => studio.close())
  return studio
}

describe('attach to an OpenCode that is not there (yet)', () => {
  it('answers 503 opencode_unavailable, then becomes ready by itself when OpenCode appears', async () => {
    const port = await freePort()
    const studio = await studioWith(['--opencode-port', String(port)])
    await waitFor(async () => (await get(`${studio.url}/health`)).body.opencode.state === 'unavailable', { what: 'unavailable' })

    const down = await get(`${studio.url}/api/config`)
    expect(down.status).toBe(503)
    expect(down.body).toMatchObject({ code: 'opencode_unavailable', state: 'unavailable' })
    expect(down.body.opencodeError).toMatchObject({ code: 'unreachable' })
    expect(down.body.error).toContain('connection refused')

    const opencode: OpenCode = await startOpenCode({ llmBaseUrl: mock.baseUrl, scratch, port })
    cleanups.push(() => opencode.stop())
    expect(await studio.app.bridge.whenReady(15_000)).toBe(true)
    const up = await get(`${studio.url}/api/config`)
    expect(up.status).toBe(200)
  })
})

describe('spawn mode without a usable binary', () => {
  it('reports binary_not_found and answers 503 opencode_unavailable', async () => {
    const studio = await studioWith(['--opencode-bin', join(scratch.root, 'no-such-opencode')])
    const health = await waitFor(async () => {
      const h = await get(`${studio.url}/health`)
      return h.body.opencode.state === 'unavailable' && h.body
    }, { what: 'unavailable' })
    expect(health.opencode.lastError).toMatchObject({ code: 'binary_not_found' })
    const res = await get(`${studio.url}/api/config`)
    expect(res.status).toBe(503)
    expect(res.body).toMatchObject({ code: 'opencode_unavailable', opencodeError: { code: 'binary_not_found' } })
  })

  it('keeps what a crashing OpenCode printed as the stderr excerpt', async () => {
    const bin = join(scratch.root, 'crashing-opencode')
    writeFileSync(bin, '#!/bin/sh\necho "fatal: config is broken" >&2\nexit 3\n', { mode: 0o755 })
    const studio = await studioWith(['--opencode-bin', bin])
    const error = await waitFor(async () => (await get(`${studio.url}/health`)).body.opencode.lastError, { what: 'lastError' })
    expect(error).toMatchObject({ code: 'start_failed', exitCode: 3 })
    expect(error.stderrExcerpt).toContain('fatal: config is broken')
    const res = await get(`${studio.url}/api/config`)
    expect(res.status).toBe(503)
    expect(res.body.opencodeError.stderrExcerpt).toContain('fatal: config is broken')
  })
})

describe('transport failure', () => {
  it('answers 502 upstream_failed in JSON when OpenCode drops the connection mid-request', async () => {
    const fake = await startDroppingOpenCode()
    cleanups.push(() => fake.close())
    const studio = await studioWith(['--opencode-port', String(fake.port)])
    expect(await studio.app.bridge.whenReady(10_000)).toBe(true)
    const res = await get(`${studio.url}/api/config`)
    expect(res.status).toBe(502)
    expect(res.body).toMatchObject({ code: 'upstream_failed' })
    expect(res.headers['content-type']).toContain('application/json')
  })
})

describe('against a real OpenCode', () => {
  let opencode: OpenCode

  beforeAll(async () => {
    opencode = await startOpenCode({ llmBaseUrl: mock.baseUrl })
    cleanups.push(() => {
      opencode.scratch.remove()
    })
    cleanups.push(() => opencode.stop())
  })

  it('refuses bodies over the limit with 413 and forwards nothing', async () => {
    const studio = await studioWith([...attachArgs(opencode), '--max-body-bytes', '1KiB'])
    await studio.app.bridge.whenReady(10_000)
    const dir = opencode.scratch.dir('limits')
    const url = `${studio.url}/api/session?directory=${encodeURIComponent(dir)}`
    const big = JSON.stringify({ title: 'x'.repeat(2000) })

    const declared = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big })
    expect(declared.statusCode).toBe(413)
    expect(await declared.body.json()).toMatchObject({ code: 'body_too_large' })

    // chunked: no content-length, so the limit is enforced while streaming
    const chunks = async function* () {
      for (let i = 0; i < 4; i++) yield Buffer.from(big.slice(i * 500, (i + 1) * 500))
    }
    const streamed = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Readable.from(chunks()) })
    expect(streamed.statusCode).toBe(413)
    expect(await streamed.body.json()).toMatchObject({ code: 'body_too_large' })

    const listed = await request(`${opencode.url}/session?directory=${encodeURIComponent(dir)}`)
    expect(await listed.body.json()).toEqual([])

    const small = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'ok' }) })
    expect(small.statusCode).toBe(200)
    await small.body.dump()
  })

  it('releases the upstream connection when a browser leaves a proxied event stream', async () => {
    const studio = await studioWith(attachArgs(opencode))
    await studio.app.bridge.whenReady(10_000)
    // Studio's own event feed holds one stream of its own
    await waitFor(() => studio.app.events.upstreamConnected(), { what: 'event feed connected' })
    // and its warm-up's requests are done (src/upstream/warm-up.ts)
    await waitFor(() => (studio.app.warmUp.report()?.ok ?? null) !== null, { timeoutMs: 60_000, what: 'warm-up done' })
    const base = studio.app.upstream.stats().running
    const clients = await Promise.all([1, 2, 3].map(() => openSse(`${studio.url}/api/event`)))
    for (const c of clients) await c.waitFor((e) => e.json?.type === 'server.connected')
    expect(studio.app.upstream.stats().running).toBe(base + 3)
    for (const c of clients) c.close()
    await waitFor(() => studio.app.upstream.stats().running === base, { what: 'upstream streams closed' })
  })
})
