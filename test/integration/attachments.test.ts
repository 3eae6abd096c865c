// The attachment cache end to end: serverPath parts reach the real OpenCode's model through the cache,
// uploads make later sends hits, bad paths and types are refused before anything reaches OpenCode, and
// the cache evicts and keeps its counters across restarts.

import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import type { MockLlm } from '../harness/mock-llm/server.js'
import type { RecordedRequest } from '../harness/mock-llm/server.js'
import type { OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { makePng } from '../support/png.js'
import { tempLeftovers, trickle } from '../support/uploads.js'
import { startAttachedStudio, type AttachedStudio } from '../support/attached-studio.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { callJson, type CallInit } from '../support/http.js'

let world: AttachedStudio | undefined
let mock: MockLlm
let oc: OpenCode
let studio: InProcessStudio
let ws: string
let dataDir: string
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
const PNG = makePng(16, 16, 7)

beforeAll(async () => {
  world = await startAttachedStudio({
    prepare(started) {
      oc = started
      ws = oc.scratch.dir('ws')
      dataDir = join(oc.scratch.root, 'studio-data')
      writeFileSync(join(ws, 'notes.txt'), 'line one\nline two\n')
      writeFileSync(join(ws, 'image.png'), PNG)
    },
    args: () => ['--data-dir', dataDir],
  })
  ;({ mock, studio } = world)
})

afterAll(async () => {
  await world?.close()
})

const q = () => `directory=${encodeURIComponent(ws)}`

const call = (base: string, path: string, init?: CallInit) => callJson(`${base}${path}`, init)

async function newSession(base = studio.url): Promise<string> {
  return (await call(base, `/api/session?${q()}`, { method: 'POST', body: { title: 'attachments' } })).body.id
}

/**
 * Sends a prompt through Studio and finds the model call it caused (matched by a unique marker). The
 * default route is OpenCode's blocking /message (200 once the turn ended); prompt_async answers 204 at
 * once, so then the turn is waited for.
 */
async function send(
  id: string,
  parts: unknown[],
  base = studio.url,
  route: 'message' | 'prompt_async' = 'message',
): Promise<{ status: number; body: any; seen: RecordedRequest | null }> {
  const marker = `m-${randomBytes(4).toString('hex')}`
  const res = await call(base, `/api/session/${id}/${route}?${q()}`, { method: 'POST', body: { parts: [{ type: 'text', text: marker }, ...parts] } })
  if (res.status !== (route === 'message' ? 200 : 204)) return { ...res, seen: null }
  const seen = await waitFor(() => mock.agentRequests().find((r) => r.lastUser?.text.includes(marker)), { timeoutMs: 50_000, what: 'model call' }) // a deadline against "never": the first call loads the provider, slow on a busy machine
  if (route === 'prompt_async') {
    await waitFor(async () => (await call(base, `/api/session/status?sessionId=${id}&${q()}`)).body[id] === undefined, { what: 'idle' })
  }
  return { ...res, seen }
}

const stats = async (base = studio.url) => (await call(base, '/api/attachments/stats')).body

describe('serverPath attachments', () => {
  let session: string
  beforeAll(async () => {
    session = await newSession()
  })

  it('reach the model: the text file as text, the PNG as the same bytes; first send misses', async () => {
    const before = await stats()
    const res = await send(session, [
      { type: 'file', serverPath: 'notes.txt' },
      { type: 'file', serverPath: 'image.png' },
    ])
    // OpenCode's own answer to /message: the assistant message and its parts
    expect(res.status).toBe(200)
    expect(res.body.info).toMatchObject({ role: 'assistant', sessionID: session, finish: 'stop' })
    expect(res.body.parts.find((p: { type: string }) => p.type === 'text').text).toContain('ECHO:')
    expect(res.seen!.lastUser!.text).toContain('line one\nline two')
    expect(res.seen!.lastUser!.attachments).toEqual([{ type: 'image_url', mime: 'image/png', bytes: PNG.length, sha256: sha(PNG) }])
    const after = await stats()
    expect(after.misses - before.misses).toBe(2)
    expect(after.hits - before.hits).toBe(0)
  })

  it('a resend through prompt_async is a hit (OpenCode\'s 204), and the model gets identical bytes', async () => {
    const before = await stats()
    const res = await send(session, [{ type: 'file', serverPath: join(ws, 'image.png') }], studio.url, 'prompt_async')
    expect(res.status).toBe(204)
    expect(res.body).toBeNull()
    expect(res.seen!.lastUser!.attachments).toEqual([{ type: 'image_url', mime: 'image/png', bytes: PNG.length, sha256: sha(PNG) }])
    const after = await stats()
    expect(after.hits - before.hits).toBe(1)
    expect(after.misses - before.misses).toBe(0)
    expect(after.bytesServed - before.bytesServed).toBe(Buffer.from(PNG.toString('base64')).length)
  })

  it('touching or editing the file is a miss, with the new content', async () => {
    const path = join(ws, 'notes.txt')
    utimesSync(path, new Date(), new Date(Date.now() + 5000))
    let before = await stats()
    await send(session, [{ type: 'file', serverPath: 'notes.txt' }])
    expect((await stats()).misses - before.misses).toBe(1)

    writeFileSync(path, 'line one\nline two\nline three (edited)\n')
    before = await stats()
    const res = await send(session, [{ type: 'file', serverPath: 'notes.txt' }])
    expect((await stats()).misses - before.misses).toBe(1)
    expect(res.seen!.lastUser!.text).toContain('line three (edited)')
  })

  it('parts that carry a url lose serverPath and pass unchanged', async () => {
    const url = `data:image/png;base64,${PNG.toString('base64')}`
    const res = await send(session, [{ type: 'file', mime: 'image/png', filename: 'inline.png', url, serverPath: '../nowhere' }])
    expect(res.status).toBe(200)
    expect(res.seen!.lastUser!.attachments[0]!.sha256).toBe(sha(PNG))
  })
})

describe('uploads', () => {
  it('are written into the workspace and make the next send a hit: .png, .txt, .md, .json', async () => {
    const files: Record<string, Buffer> = {
      'up/pic.png': makePng(8, 8, 3),
      'up/readme.txt': Buffer.from('uploaded text\n'),
      'up/notes.md': Buffer.from('# uploaded markdown\n'),
      'up/data.json': Buffer.from('{"uploaded": true}\n'),
    }
    for (const [path, content] of Object.entries(files)) {
      const res = await call(studio.url, `/api/fs/upload?${q()}&path=${encodeURIComponent(path)}`, { method: 'POST', raw: content })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ success: true, path: join(ws, path), bytes: content.length })
    }
    const session = await newSession()
    const before = await stats()
    const res = await send(session, Object.keys(files).map((serverPath) => ({ type: 'file', serverPath })))
    const after = await stats()
    expect(after.hits - before.hits).toBe(4)
    expect(after.misses - before.misses).toBe(0)
    expect(res.seen!.lastUser!.text).toContain('uploaded text')
    expect(res.seen!.lastUser!.text).toContain('# uploaded markdown')
    expect(res.seen!.lastUser!.text).toContain('{"uploaded": true}')
    expect(res.seen!.lastUser!.attachments[0]!.sha256).toBe(sha(files['up/pic.png']!))
  })

  it('refuses to overwrite unless asked, and tells event-stream clients about changes', async () => {
    const published: { type: string; properties: { directory: string; changeType: string; paths: string[] } }[] = []
    const stop = studio.app.events.hub.listen((event) => published.push(event.data as (typeof published)[number]))
    try {
      const first = await call(studio.url, `/api/fs/upload?${q()}&path=keep.txt`, { method: 'POST', raw: Buffer.from('first') })
      expect(first.status).toBe(200)
      const again = await call(studio.url, `/api/fs/upload?${q()}&path=keep.txt`, { method: 'POST', raw: Buffer.from('second') })
      expect(again.status).toBe(409)
      expect(again.body.code).toBe('upload_target_exists')
      expect(readFileSync(join(ws, 'keep.txt'), 'utf8')).toBe('first')
      const forced = await call(studio.url, `/api/fs/upload?${q()}&path=keep.txt&overwrite=true`, { method: 'POST', raw: Buffer.from('third') })
      expect(forced.status).toBe(200)
      expect(readFileSync(join(ws, 'keep.txt'), 'utf8')).toBe('third')
      // one event per completed upload, none for the refused one
      const changes = published.filter((e) => e.type === 'opencode-studio:fs-changed')
      expect(changes.map((e) => e.properties)).toEqual([
        { directory: ws, changeType: 'upload', paths: [first.body.path] },
        { directory: ws, changeType: 'upload', paths: [forced.body.path] },
      ])
      expect(first.body.path).toMatch(/\/keep\.txt$/)
    } finally {
      stop()
    }
  })

  it('leaves nothing behind when the client gives up mid-upload, or the body runs over the limit', async () => {
    const temps = () => tempLeftovers(ws, dataDir)
    const abort = new AbortController()
    const body = trickle(Buffer.alloc(100 * 64 * 1024, 1), 64 * 1024, 20)
    const pending = request(`${studio.url}/api/fs/upload?${q()}&path=aborted.bin`, { method: 'POST', body, signal: abort.signal }).catch(() => null)
    await waitFor(() => temps().length > 0, { what: 'upload under way' })
    abort.abort()
    await pending
    await waitFor(() => temps().length === 0, { what: 'temp files removed' })
    expect(existsSync(join(ws, 'aborted.bin'))).toBe(false)

    const small = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--data-dir', join(oc.scratch.root, 'limit-data'), '--max-attachment-bytes', '100KiB'] })
    try {
      const over = trickle(Buffer.alloc(4 * 64 * 1024, 2), 64 * 1024, 0)
      const res = await request(`${small.url}/api/fs/upload?${q()}&path=too-big.bin`, { method: 'POST', body: over })
      expect(res.statusCode).toBe(413)
      expect(((await res.body.json()) as { code: string }).code).toBe('upload_too_large')
      expect(existsSync(join(ws, 'too-big.bin'))).toBe(false)
      expect(tempLeftovers(ws, join(oc.scratch.root, 'limit-data'))).toEqual([])
    } finally {
      await small.close()
    }
  })

  it('refuses targets outside the workspace and relative workspaces; no workspace means OpenCode\'s own directory', async () => {
    for (const path of ['../escape.txt', '/tmp/escape.txt']) {
      const res = await call(studio.url, `/api/fs/upload?${q()}&path=${encodeURIComponent(path)}`, { method: 'POST', raw: Buffer.from('x') })
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('upload_path_outside_workspace')
    }
    const none = await call(studio.url, `/api/fs/upload?path=x.txt`, { method: 'POST', raw: Buffer.from('x') })
    expect(none.status).toBe(200)
    expect(none.body.path).toBe(join(oc.scratch.workspace, 'x.txt')) // where `opencode serve` runs, not Studio's cwd
    const relative = await call(studio.url, `/api/fs/upload?directory=ws&path=x.txt`, { method: 'POST', raw: Buffer.from('x') })
    expect(relative.status).toBe(400)
    expect(relative.body.code).toBe('directory_not_absolute')
  })
})

describe('refusals, before anything reaches OpenCode', () => {
  let session: string
  let outside: string
  beforeAll(async () => {
    session = await newSession()
    outside = join(oc.scratch.root, 'outside.txt')
    writeFileSync(outside, 'secret')
    symlinkSync(outside, join(ws, 'link-out.txt'))
    mkdirSync(join(ws, 'a-folder'), { recursive: true })
    writeFileSync(join(ws, 'blob.dat'), randomBytes(4096))
    writeFileSync(join(ws, 'huge.pdf'), '')
    truncateSync(join(ws, 'huge.pdf'), 50 * 1024 * 1024 + 1) // sparse: no disk used
  })

  it.each([
    ['../outside.txt', 400, 'attachment_outside_workspace'],
    ['ABSOLUTE_OUTSIDE', 400, 'attachment_outside_workspace'],
    ['link-out.txt', 400, 'attachment_outside_workspace'],
    ['a-folder', 400, 'attachment_not_a_file'],
    ['missing.txt', 400, 'attachment_not_found'],
    ['huge.pdf', 413, 'attachment_too_large'],
    ['blob.dat', 415, 'attachment_unsupported_type'],
  ])('%s → %i %s', async (serverPath, status, code) => {
    const calls = mock.requests().length
    const messages = (await call(studio.url, `/api/session/${session}/message?${q()}`)).body.length
    const res = await send(session, [{ type: 'file', serverPath: serverPath === 'ABSOLUTE_OUTSIDE' ? outside : serverPath }])
    expect(res.status).toBe(status)
    expect(res.body.code).toBe(code)
    expect(mock.requests().length).toBe(calls)
    expect((await call(studio.url, `/api/session/${session}/message?${q()}`)).body.length).toBe(messages)
  })

  it('leaves the session healthy: the next prompt works', async () => {
    const res = await send(session, [{ type: 'file', serverPath: 'notes.txt' }])
    expect(res.status).toBe(200)
    const messages = (await call(studio.url, `/api/session/${session}/message?${q()}`)).body as { info: { role: string; error?: unknown } }[]
    const last = messages.filter((m) => m.info.role === 'assistant').at(-1)!
    expect(last.info.error).toBeUndefined()
  })
})

describe('eviction and persistence', () => {
  it('evicts the least recently used blobs by size and by age, and the stats say so', async () => {
    const dir = join(oc.scratch.root, 'small-cache')
    const small = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--data-dir', dir, '--attachment-cache-bytes', '400'] })
    try {
      for (const name of ['a', 'b', 'c']) writeFileSync(join(ws, `evict-${name}.txt`), `${name.repeat(120)}\n`) // 164 base64 bytes each
      const id = await newSession(small.url)
      const sendOne = (name: string) => send(id, [{ type: 'file', serverPath: `evict-${name}.txt` }], small.url)
      await sendOne('a')
      await sendOne('b')
      await sendOne('a') // a is now the most recently used
      await sendOne('c') // 492 > 400: the least recently used, b, goes
      let s = await stats(small.url)
      expect(s).toMatchObject({ evictions: 1, evictedBytes: 164, entries: 2, bytes: 328 })
      const beforeB = s.misses
      await sendOne('b')
      s = await stats(small.url)
      expect(s.misses).toBe(beforeB + 1) // b was really gone
      expect(s.evictions).toBe(2) // and bringing it back pushed out the next least recently used

      const aged = small.app.attachments.evict(Date.now() + 31 * 86_400_000)
      expect(aged.count).toBe(2)
      expect(await stats(small.url)).toMatchObject({ entries: 0, bytes: 0, evictions: 4 })
    } finally {
      await small.close()
    }
  })

  it('keeps its counters across a restart, and exposes them at /metrics', async () => {
    const before = await stats()
    expect(before.hits).toBeGreaterThan(0)
    await studio.close()
    studio = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--data-dir', dataDir] })
    await studio.app.bridge.whenReady(10_000)
    const after = await stats()
    expect(after).toMatchObject({ hits: before.hits, misses: before.misses, bytesServed: before.bytesServed, entries: before.entries })
    const metrics = await call(studio.url, '/metrics')
    expect(metrics.headers['content-type']).toContain('text/plain')
    expect(metrics.body).toContain(`studio_attachment_cache_hits_total ${before.hits}`)
    expect(metrics.body).toContain('studio_opencode_ready 1')
    expect(metrics.body).toMatch(/studio_http_requests_total\{method="GET",route="\/api\/attachments\/stats",status="200"\} \d+/)
  })
})
