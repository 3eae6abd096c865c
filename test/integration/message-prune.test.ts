// Pruned message pages, single parts and attachment bytes from OpenCode's storage, against both storage
// layouts: opencode-ai 1.18.33 (SQLite) and 1.1.65 (legacy JSON). A session holds a 2 MB PNG sent as a data
// URL (under 2000 px, so OpenCode keeps it as sent) and a read of a 200 KB file (OpenCode cuts the tool's
// output to its own limit, still far above Studio's 8 KiB).

import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { join } from 'node:path'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { legacyOpenCodeBin, pinnedOpenCodeBin, startOpenCode, type OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { createSession, prompt } from '../support/opencode-api.js'
import { makePng } from '../support/png.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { callJson } from '../support/http.js'

const FLAVOURS = [
  { name: 'SQLite storage (opencode 1.18.33)', bin: pinnedOpenCodeBin },
  { name: 'legacy JSON storage (opencode 1.1.65)', bin: legacyOpenCodeBin },
] as const

const PNG = makePng(820, 820, 3) // ≈ 2 MB of random pixels, under OpenCode's 2000 px / 3.75 MB thresholds
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe.each(FLAVOURS)('$name', ({ bin }) => {
  let mock: MockLlm
  let oc: OpenCode
  let studio: InProcessStudio
  let ws: string
  let sessionId: string

  const get = (path: string, headers: Record<string, string> = {}) => callJson(`${studio.url}${path}`, { headers })
  const raw = async (path: string, headers: Record<string, string> = {}) => {
    const res = await request(`${studio.url}${path}`, { headers })
    return { status: res.statusCode, headers: res.headers, bytes: Buffer.from(await res.body.arrayBuffer()) }
  }

  beforeAll(async () => {
    mock = await startMockLlm()
    oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, bin: bin() })
    ws = oc.scratch.dir('ws')
    writeFileSync(join(ws, 'big.txt'), Array.from({ length: 3000 }, (_, i) => `line ${i} ${'y'.repeat(60)}`).join('\n'))
    studio = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--opencode-data-dir', oc.scratch.dataDir] })
    sessionId = (await createSession(oc, ws, { title: 'prune' })).id
    await prompt(oc, ws, sessionId, [
      { type: 'text', text: 'look at this' },
      { type: 'file', mime: 'image/png', filename: 'shot.png', url: `data:image/png;base64,${PNG.toString('base64')}` },
    ])
    await prompt(oc, ws, sessionId, `read [[tool:read {"filePath":${JSON.stringify(join(ws, 'big.txt'))}}]]`)
    await waitFor(async () => (await get(`/api/session/${sessionId}/message`)).body.length >= 5, { what: 'messages stored' })
  }, 180_000) // two prompts through a cold OpenCode on a shared 2-core machine

  afterAll(async () => {
    await studio?.close()
    await oc?.stop()
    await mock?.close()
    oc?.scratch.remove()
  })

  const allParts = (page: { parts: any[] }[]) => page.flatMap((m) => m.parts)

  it('prunes the page: the data URL becomes the raw route, the tool output is cut; the page is small', async () => {
    const full = await get(`/api/session/${sessionId}/message`)
    const pruned = await get(`/api/session/${sessionId}/message?prune=true`)
    expect(full.text.length).toBeGreaterThan(PNG.length)
    expect(pruned.text.length).toBeLessThan(20 * 1024)
    expect(pruned.headers['x-opencode-studio-seq']).toMatch(/^\d+$/)
    expect(pruned.body.map((m: any) => m.info)).toEqual(full.body.map((m: any) => m.info))

    const file = allParts(pruned.body).find((p) => p.type === 'file')
    expect(file).toMatchObject({
      mime: 'image/png',
      filename: 'shot.png',
      url: `/api/session/${sessionId}/message/${file.messageID}/part/${file.id}/raw`,
      size: PNG.length,
      studio: { pruned: true, fields: ['url'] },
    })
    const tool = allParts(pruned.body).find((p) => p.type === 'tool')
    const fullTool = allParts(full.body).find((p) => p.id === tool.id)
    expect(fullTool.state.output.length).toBeGreaterThan(8192)
    expect(Buffer.byteLength(tool.state.output)).toBeLessThanOrEqual(8192)
    expect(fullTool.state.output.startsWith(tool.state.output)).toBe(true)
    expect(tool.studio).toMatchObject({ pruned: true, outputBytes: Buffer.byteLength(fullTool.state.output) })
    expect(tool.studio.fields).toContain('state.output')
    // text parts are never cut, other parts are untouched
    const untouched = allParts(full.body).filter((p) => p.type !== 'file' && p.id !== tool.id)
    for (const p of untouched) expect(allParts(pruned.body).find((x) => x.id === p.id)).toEqual(p)
  })

  it('keeps paging: limit and includeTotal work with prune', async () => {
    const page = await get(`/api/session/${sessionId}/message?prune=true&limit=2&includeTotal=true`)
    expect(page.body.entries).toHaveLength(2)
    expect(page.body.total).toBeGreaterThanOrEqual(5)
    const older = await get(`/api/session/${sessionId}/message?prune=true&limit=50&before=${page.headers['x-next-cursor']}`)
    const file = allParts(older.body).find((p) => p.type === 'file')
    expect(file.url).toMatch(/\/raw$/)
  })

  it('serves one whole part, as stored', async () => {
    const full = await get(`/api/session/${sessionId}/message`)
    const file = allParts(full.body).find((p) => p.type === 'file')
    const one = await get(`/api/session/${sessionId}/message/${file.messageID}/part/${file.id}`)
    expect(one.status).toBe(200)
    expect(one.body).toEqual(file)
  })

  it('serves the attachment bytes: same SHA-256, content type, strong ETag, ranges, 304', async () => {
    const pruned = await get(`/api/session/${sessionId}/message?prune=true`)
    const url = allParts(pruned.body).find((p) => p.type === 'file').url as string
    const whole = await raw(url)
    expect(whole.status).toBe(200)
    expect(sha(whole.bytes)).toBe(sha(PNG))
    expect(whole.headers['content-type']).toBe('image/png')
    expect(whole.headers['content-length']).toBe(String(PNG.length))
    expect(whole.headers['cache-control']).toContain('immutable')
    const etag = whole.headers.etag as string
    expect(etag).toMatch(/^"[^"]+"$/)

    const slice = await raw(url, { range: 'bytes=1000-1999' })
    expect(slice.status).toBe(206)
    expect(slice.headers['content-range']).toBe(`bytes 1000-1999/${PNG.length}`)
    expect(slice.bytes.equals(PNG.subarray(1000, 2000))).toBe(true)
    const odd = await raw(url, { range: `bytes=${PNG.length - 7}-` })
    expect(odd.bytes.equals(PNG.subarray(PNG.length - 7))).toBe(true)
    const suffix = await raw(url, { range: 'bytes=-5' })
    expect(suffix.bytes.equals(PNG.subarray(PNG.length - 5))).toBe(true)
    expect((await raw(url, { range: `bytes=${PNG.length}-` })).status).toBe(416)
    expect((await raw(url, { 'if-none-match': etag })).status).toBe(304)
  })

  it('refuses parts without bytes and unknown parts', async () => {
    const full = await get(`/api/session/${sessionId}/message`)
    const text = allParts(full.body).find((p) => p.type === 'text')
    const notFile = await get(`/api/session/${sessionId}/message/${text.messageID}/part/${text.id}/raw`)
    expect(notFile.status).toBe(400)
    expect(notFile.body.code).toBe('part_has_no_bytes')
    const missing = await get(`/api/session/${sessionId}/message/${text.messageID}/part/prt_nope/raw`)
    expect(missing.status).toBe(404)
    expect(missing.body.code).toBe('part_not_found')
  })

  it('compresses JSON answers when asked, never the raw bytes or the event stream', async () => {
    const plain = await get(`/api/session/${sessionId}/message?prune=true`)
    for (const encoding of ['gzip', 'br'] as const) {
      const packed = await raw(`/api/session/${sessionId}/message?prune=true`, { 'accept-encoding': encoding })
      expect(packed.headers['content-encoding']).toBe(encoding)
      const text = (encoding === 'gzip' ? gunzipSync(packed.bytes) : brotliDecompressSync(packed.bytes)).toString()
      expect(JSON.parse(text)).toEqual(plain.body)
      expect(packed.bytes.length).toBeLessThan(plain.text.length)
    }
    const file = allParts(plain.body).find((p) => p.type === 'file')
    const bytes = await raw(file.url, { 'accept-encoding': 'gzip' })
    expect(bytes.headers['content-encoding']).toBeUndefined()
    expect(bytes.bytes.length).toBe(PNG.length)
    const abort = new AbortController()
    const stream = await request(`${studio.url}/api/global/event`, { headers: { 'accept-encoding': 'gzip' }, signal: abort.signal })
    expect(stream.headers['content-encoding']).toBeUndefined()
    expect(stream.headers['content-type']).toContain('text/event-stream')
    abort.abort()
    await stream.body.dump().catch(() => {})
  })

  it('lists the directory with its sessions', async () => {
    const dirs = (await get('/api/opencode-studio/directories')).body as { directory: string; sessions: number; roots: number; lastActivity: number }[]
    const mine = dirs.find((d) => d.directory === ws)
    expect(mine).toMatchObject({ sessions: 1, roots: 1 })
    expect(mine!.lastActivity).toBeGreaterThan(0)
    for (let i = 1; i < dirs.length; i++) expect(dirs[i - 1]!.lastActivity).toBeGreaterThanOrEqual(dirs[i]!.lastActivity)
  })
})
