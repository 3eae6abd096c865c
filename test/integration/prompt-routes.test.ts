// OpenCode's prompt routes through Studio: a prompt is OpenCode's (same status, same body), serverPath
// parts aside. Bodies without serverPath reach OpenCode byte for byte (however they are nested); a part
// Studio must rewrite is checked first; a request naming no directory means OpenCode's own directory;
// a client that goes away takes its upstream request with it.

import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import type { MockLlm } from '../harness/mock-llm/server.js'
import type { OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { createSession } from '../support/opencode-api.js'
import { startAttachedStudio, type AttachedStudio } from '../support/attached-studio.js'
import type { InProcessStudio } from '../support/studio.js'
import { callJson } from '../support/http.js'

let world: AttachedStudio | undefined
let mock: MockLlm
let oc: OpenCode
let studio: InProcessStudio
let ws: string

beforeAll(async () => {
  world = await startAttachedStudio({
    prepare(started) {
      oc = started
      ws = oc.scratch.dir('ws')
      writeFileSync(join(ws, 'notes.txt'), 'notes in the workspace\n')
      writeFileSync(join(oc.scratch.workspace, 'own.txt'), "in OpenCode's own directory\n")
    },
    args: () => ['--data-dir', join(oc.scratch.root, 'studio-data')],
  })
  ;({ mock, studio } = world)
})

afterAll(async () => {
  await world?.close()
})

const q = () => `directory=${encodeURIComponent(ws)}`
const marker = () => `m-${randomBytes(4).toString('hex')}`
const post = (base: string, path: string, raw: string) => callJson(`${base}${path}`, { method: 'POST', raw, headers: { 'content-type': 'application/json' } })
const modelCall = (text: string) => waitFor(() => mock.agentRequests().find((r) => r.lastUser?.text.includes(text)), { timeoutMs: 20_000, what: 'model call' })
const messageCount = async (id: string) => (await callJson(`${studio.url}/api/session/${id}/message?${q()}`)).body.length as number

describe('prompts through Studio are OpenCode prompts', () => {
  it("passes a body without serverPath byte for byte: a 5,000-deep field is OpenCode's to accept", async () => {
    const { id } = await createSession(oc, ws, { title: 'deep' })
    const text = marker()
    const deep = `{"parts":[{"type":"text","text":"${text}"}],"extra":${'['.repeat(5000)}${']'.repeat(5000)}}`
    const res = await post(studio.url, `/api/session/${id}/message?${q()}`, deep)
    expect(res.status).toBe(200) // /message waits for the turn and answers OpenCode's {info, parts}
    expect(res.body.info).toMatchObject({ role: 'assistant', sessionID: id, finish: 'stop' })
    expect((await modelCall(text)).lastUser!.text).toContain(text)
    const queued = await post(studio.url, `/api/session/${id}/prompt_async?${q()}`, deep.replace(text, marker()))
    expect([queued.status, queued.text]).toEqual([204, ''])
  })

  it('refuses a serverPath part nested too deeply to rewrite, before OpenCode sees anything', async () => {
    const { id } = await createSession(oc, ws, { title: 'deep part' })
    const calls = mock.requests().length
    const part = `{"type":"file","serverPath":"notes.txt","metadata":${'['.repeat(5000)}${']'.repeat(5000)}}`
    const res = await post(studio.url, `/api/session/${id}/message?${q()}`, `{"parts":[${part}]}`)
    expect([res.status, res.body.code]).toEqual([400, 'invalid_prompt'])
    expect(mock.requests().length).toBe(calls)
    expect(await messageCount(id)).toBe(0)
  })

  it("answers OpenCode's own refusals unchanged", async () => {
    const { id } = await createSession(oc, ws, { title: 'refusals' })
    for (const [path, body] of [
      [`/session/${id}/message?${q()}`, '{"nope":1}'],
      [`/session/ses_doesnotexist0000000000/message?${q()}`, '{"parts":[{"type":"text","text":"x"}]}'],
      [`/session/ses_doesnotexist0000000000/prompt_async?${q()}`, '{"parts":[{"type":"text","text":"x"}]}'],
    ] as const) {
      const own = await post(oc.url, path, body)
      const ours = await post(studio.url, `/api${path}`, body)
      expect([ours.status, ours.text], path).toEqual([own.status, own.text])
    }
  })

  it("resolves serverPath in OpenCode's own directory when the request names none, never in Studio's", async () => {
    const { id } = await createSession(oc, ws, { title: 'no directory' })
    const text = marker()
    const res = await post(studio.url, `/api/session/${id}/message`, JSON.stringify({ parts: [{ type: 'text', text }, { type: 'file', serverPath: 'own.txt' }] }))
    expect(res.status).toBe(200)
    expect((await modelCall(text)).lastUser!.text).toContain("in OpenCode's own directory")
    // Studio runs in the repository, which has a package.json; OpenCode's directory has none
    const studios = await post(studio.url, `/api/session/${id}/message`, JSON.stringify({ parts: [{ type: 'file', serverPath: 'package.json' }] }))
    expect([studios.status, studios.body.code]).toEqual([400, 'attachment_not_found'])
    const relative = await post(studio.url, `/api/session/${id}/message?directory=ws`, JSON.stringify({ parts: [{ type: 'file', serverPath: 'notes.txt' }] }))
    expect([relative.status, relative.body.code]).toEqual([400, 'directory_not_absolute'])
  })

  it('expands a serverPath part after megabytes of text, while the body already streams', async () => {
    const { id } = await createSession(oc, ws, { title: 'long' })
    const text = `${marker()} ${'x'.repeat(3 * 1024 * 1024)}`
    const res = await post(studio.url, `/api/session/${id}/message?${q()}`, JSON.stringify({ parts: [{ type: 'text', text }, { type: 'file', serverPath: 'notes.txt' }] }))
    expect(res.status).toBe(200)
    expect(res.body.info.role).toBe('assistant')
    const stored = (await callJson(`${studio.url}/api/session/${id}/message?${q()}`)).body[0].parts
    expect(stored.some((p: { text?: string }) => p.text?.includes('notes in the workspace'))).toBe(true)
  })

  it('a bad part found after the body began to flow still stops the prompt: OpenCode stores nothing', async () => {
    const { id } = await createSession(oc, ws, { title: 'late refusal' })
    const text = 'x'.repeat(3 * 1024 * 1024)
    const res = await post(studio.url, `/api/session/${id}/message?${q()}`, JSON.stringify({ parts: [{ type: 'text', text }, { type: 'file', serverPath: 'missing.txt' }] }))
    expect([res.status, res.body.code]).toEqual([400, 'attachment_not_found'])
    expect(await messageCount(id)).toBe(0)
  })

  it('a client that goes away during a long /message turn ends the upstream request too', async () => {
    const { id } = await createSession(oc, ws, { title: 'gone' })
    const text = `${marker()} [[delay:3000]] [[chunks:10]]`
    const abort = new AbortController()
    const pending = request(`${studio.url}/api/session/${id}/message?${q()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parts: [{ type: 'text', text }] }),
      signal: abort.signal,
    }).catch(() => null)
    await modelCall(text)
    expect(studio.app.upstream.stats().running).toBeGreaterThan(0)
    abort.abort()
    await pending
    await waitFor(() => studio.app.upstream.stats().running === 0, { what: 'upstream request ended' })
    await callJson(`${oc.url}/session/${id}/abort?${q()}`, { method: 'POST', body: {} })
  })
})
