// Studio attached to a real OpenCode: readiness, the generic proxy (JSON, errors, streaming both ways),
// and a whole prompt round trip read back through Studio.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { RECORDED_HEALTH } from '../support/fake-opencode.js'
import { openSse } from '../support/sse.js'
import { waitFor } from '../harness/wait.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { callJson } from '../support/http.js'

let mock: MockLlm
let opencode: OpenCode
let studio: InProcessStudio

beforeAll(async () => {
  mock = await startMockLlm()
  opencode = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  studio = await startStudioInProcess({ env: opencode.scratch.env, args: attachArgs(opencode) })
  await studio.app.bridge.whenReady(10_000)
})

afterAll(async () => {
  await studio?.close()
  await opencode?.stop()
  await mock?.close()
  opencode?.scratch.remove()
})

const enc = encodeURIComponent

const json = callJson

describe('attach mode', () => {
  it('reports OpenCode ready with its version, URL and mode', async () => {
    const health = await json(`${studio.url}/health`)
    expect(health.status).toBe(200)
    expect(health.body.opencode).toMatchObject({ mode: 'attach', state: 'ready', url: opencode.url, version: '1.18.33', lastError: null })
    expect(health.body.isOpenCodeReady).toBe(true)
    expect(health.body.openCodePort).toBe(opencode.port)
    expect(health.body.studio.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('matches the recorded health answer the fault-case stand-in replays', async () => {
    expect((await json(`${opencode.url}/global/health`)).body).toEqual(RECORDED_HEALTH)
  })
})

describe('generic proxy', () => {
  it('forwards any method with query and body, and returns what OpenCode returns', async () => {
    const dir = opencode.scratch.dir('proxy-a')
    const created = await json(`${studio.url}/api/session?directory=${enc(dir)}`, { method: 'POST', body: { title: 'via studio' } })
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({ title: 'via studio', directory: dir })
    expect(created.headers['x-request-id']).toBeTruthy()

    const direct = await json(`${opencode.url}/session/${created.body.id}`)
    expect(direct.body.title).toBe('via studio')

    // the list is Studio's own (from storage), which follows OpenCode within a fraction of a second
    const listed = await waitFor(async () => {
      const r = await json(`${studio.url}/api/session?directory=${enc(dir)}`)
      return r.body.length > 0 ? r : null
    }, { what: 'session listed' })
    expect(listed.body.map((s: { id: string }) => s.id)).toEqual([created.body.id])

    const deleted = await json(`${studio.url}/api/session/${created.body.id}?directory=${enc(dir)}`, { method: 'DELETE' })
    expect(deleted).toMatchObject({ status: 200, body: true })
    expect((await json(`${opencode.url}/session/${created.body.id}`)).status).toBe(404)
  })

  it('passes the x-opencode-directory header through', async () => {
    const dir = opencode.scratch.dir('proxy-header')
    const created = await json(`${studio.url}/api/session`, { method: 'POST', body: { title: 'by header' }, headers: { 'x-opencode-directory': dir } })
    expect(created.body.directory).toBe(dir)
  })

  it("passes OpenCode's error statuses and bodies through unchanged", async () => {
    // (routes Studio leaves to OpenCode: an unknown session's todo list, a duplicated directory parameter)
    for (const path of ['/session/ses_doesnotexist0000000000000/todo', '/config?directory=a&directory=b']) {
      const direct = await json(`${opencode.url}${path}`)
      const proxied = await json(`${studio.url}/api${path}`)
      expect(direct.status).toBeGreaterThanOrEqual(400)
      expect(proxied.status).toBe(direct.status)
      expect(proxied.text).toBe(direct.text)
      expect(proxied.headers['content-type']).toBe(direct.headers['content-type'])
    }
  })

  it('echoes a sane caller x-request-id and replaces an unsafe one', async () => {
    const mine = await request(`${studio.url}/health`, { headers: { 'x-request-id': 'trace-42' } })
    await mine.body.dump()
    expect(mine.headers['x-request-id']).toBe('trace-42')
    const unsafe = await request(`${studio.url}/health`, { headers: { 'x-request-id': 'a b\u00e9'.repeat(3) } })
    await unsafe.body.dump()
    // a fresh id of Studio's own instead (a UUID), not the caller's text with the bad characters dropped
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })

  it('answers unknown Studio routes with a JSON 404, not a stack trace', async () => {
    // (a GET of any other path is a screen of the web UI: history-mode fallback)
    const res = await json(`${studio.url}/auth/nope`)
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ error: 'No route for GET /auth/nope', code: 'not_found' })
    const post = await json(`${studio.url}/nope`, { method: 'POST', body: {} })
    expect(post.status).toBe(404)
    expect(post.body).toEqual({ error: 'No route for POST /nope', code: 'not_found' })
  })
})

describe('a prompt through Studio', () => {
  it('reaches the model, and its reply is readable from the message list and the proxied event stream', async () => {
    const dir = opencode.scratch.dir('prompt-a')
    const created = await json(`${studio.url}/api/session?directory=${enc(dir)}`, { method: 'POST', body: { title: 'prompt test' } })
    const id = created.body.id as string

    const events = await openSse(`${studio.url}/api/event?directory=${enc(dir)}`)
    try {
      expect(events.status).toBe(200)
      expect(events.headers['content-type']).toContain('text/event-stream')
      // Proof the stream is not buffered: the first event arrives while the stream is still open.
      await events.waitFor((e) => e.json?.type === 'server.connected', 'server.connected')

      const sent = await request(`${studio.url}/api/session/${id}/prompt_async?directory=${enc(dir)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parts: [{ type: 'text', text: 'hello through studio' }] }),
      })
      await sent.body.dump()
      expect(sent.statusCode).toBe(204)

      const idle = await events.waitFor((e) => e.json?.type === 'session.idle' && e.json.properties.sessionID === id, 'session.idle', 50_000) // a deadline against "never", generous for a busy machine
      const expected = 'ECHO: hello through studio | parts=string:1 | attachments=0 bytes=0'
      const deltas = events.events
        .filter((e) => e.json?.type === 'message.part.delta' && e.json.properties.sessionID === id)
        .map((e) => e.json.properties.delta as string)
      expect(deltas.join('')).toBe(expected)
      // Events arrived spread over time as OpenCode emitted them, not in one burst at the end.
      const connected = events.events[0]!
      expect(idle.receivedAt).toBeGreaterThan(connected.receivedAt)
      expect(events.ended()).toBe(false)

      const messages = await json(`${studio.url}/api/session/${id}/message?directory=${enc(dir)}`)
      expect(messages.status).toBe(200)
      const assistant = messages.body.find((m: { info: { role: string } }) => m.info.role === 'assistant')
      const text = assistant.parts.find((p: { type: string }) => p.type === 'text').text
      expect(text).toBe(expected)

      const seen = mock.agentRequests().filter((r) => r.lastUser?.text === 'hello through studio')
      expect(seen).toHaveLength(1)
    } finally {
      events.close()
    }
  })
})
