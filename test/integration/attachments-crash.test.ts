// kill -9 Studio while 20 uploads and forwards are running, then restart it: no temp files, no orphan
// blobs, no dangling index rows, and every upload that was answered is intact.

import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { tempLeftovers, trickle, walk } from '../support/uploads.js'
import { startStudioChild, waitStudioReady, type ChildStudio } from '../support/studio.js'

const UPLOADS = 10
const FORWARDS = 10
const CHUNK = 64 * 1024

let mock: MockLlm
let oc: OpenCode
let ws: string
let dataDir: string

beforeAll(async () => {
  mock = await startMockLlm()
  oc = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  ws = oc.scratch.dir('crash-ws')
  dataDir = join(oc.scratch.root, 'crash-data')
  for (let i = 0; i < FORWARDS; i++) writeFileSync(join(ws, `doc-${i}.pdf`), Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2 * 1024 * 1024)]))
})

afterAll(async () => {
  await oc?.stop()
  await mock?.close()
  oc?.scratch.remove()
})

const studioArgs = () => ['--opencode-port', String(oc.port), '--data-dir', dataDir, '--log-level', 'warn']
const q = () => `directory=${encodeURIComponent(ws)}`


describe('a crash in the middle of uploads and forwards', () => {
  it('leaves nothing behind after a restart, and every completed upload is intact', async () => {
    let studio: ChildStudio = await startStudioChild({ env: oc.scratch.env, args: studioArgs() })
    await waitStudioReady(studio.url)
    const session = ((await (await request(`${studio.url}/api/session?${q()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"crash"}',
    })).body.json()) as { id: string }).id

    const completed = new Map<string, string>() // path → sha256 of what was sent
    const uploads = Array.from({ length: UPLOADS }, async (_, i) => {
      const data = randomBytes((i + 1) * 4 * CHUNK)
      const path = `uploads/file-${i}.txt`
      try {
        const res = await request(`${studio.url}/api/fs/upload?${q()}&path=${path}`, { method: 'POST', body: trickle(data, CHUNK, 15) })
        await res.body.dump()
        if (res.statusCode === 200) completed.set(join(ws, path), createHash('sha256').update(data).digest('hex'))
      } catch {
        // the kill cut it off
      }
    })
    const forwards = Array.from({ length: FORWARDS }, async (_, i) => {
      try {
        const res = await request(`${studio.url}/api/session/${session}/message?${q()}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ parts: [{ type: 'text', text: `doc ${i}` }, { type: 'file', serverPath: `doc-${i}.pdf` }] }),
        })
        await res.body.dump()
      } catch {
        // the kill cut it off
      }
    })
    await waitFor(() => completed.size >= 2, { what: 'a few uploads done' })
    studio.process.kill('SIGKILL')
    await Promise.all([...uploads, ...forwards])
    expect(completed.size).toBeGreaterThan(0)
    expect(completed.size).toBeLessThan(UPLOADS) // some really were cut off
    const afterKill = tempLeftovers(ws, dataDir)
    expect(afterKill.length).toBeGreaterThan(0) // the crash did leave debris for the restart to clear

    studio = await startStudioChild({ env: oc.scratch.env, args: studioArgs() })
    try {
      await waitFor(async () => (await request(`${studio.url}/api/attachments/stats`)).statusCode === 200, { what: 'restarted' })
      const leftovers = tempLeftovers(ws, dataDir)
      expect(leftovers).toEqual([])

      const db = new Database(join(dataDir, 'studio.db'), { readonly: true })
      try {
        const rows = new Set(db.prepare('SELECT digest FROM attachment_blob').pluck().all() as string[])
        const blobsDir = join(dataDir, 'attachments', 'blobs')
        const files = new Set(walk(blobsDir).map((p) => p.split('/').pop()!))
        expect(files).toEqual(rows) // no orphan blobs, no dangling rows
        const danglingSources = db.prepare('SELECT count(*) FROM attachment_source WHERE digest NOT IN (SELECT digest FROM attachment_blob)').pluck().get()
        expect(danglingSources).toBe(0)
        expect(db.prepare('SELECT count(*) FROM upload_in_flight').pluck().get()).toBe(0)
        for (const digest of rows) {
          const b64 = readFileSync(join(blobsDir, digest.slice(0, 2), digest), 'utf8')
          expect(createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex')).toBe(digest) // every blob is whole
        }
      } finally {
        db.close()
      }
      for (const [path, digest] of completed) {
        expect(statSync(path).isFile()).toBe(true)
        expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(digest)
      }
    } finally {
      await studio.stop()
    }
  })
})
