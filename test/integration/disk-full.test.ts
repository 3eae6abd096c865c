// Writes that run out of room, without mounting anything: Studio runs under a file-size limit
// (`prlimit --fsize`), so any file it writes past that size fails with EFBIG, as a full disk fails with
// ENOSPC. An upload or a forward that does not fit is a 507 insufficient_storage in JSON, leaves nothing
// behind, and what fits still works. (The fault suite's full-disk case does the same on a real tmpfs.)

import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { auditCache, sha256 } from '../support/cache-audit.js'
import { callJson } from '../support/http.js'
import { startStudioChild, waitStudioReady, type ChildStudio } from '../support/studio.js'
import { tempLeftovers } from '../support/uploads.js'

const LIMIT_BYTES = 1024 * 1024

let mock: MockLlm
let oc: OpenCode
let studio: ChildStudio
let ws: string
let dataDir: string
let session: string

beforeAll(async () => {
  mock = await startMockLlm()
  oc = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  ws = oc.scratch.dir('full-ws')
  dataDir = join(oc.scratch.root, 'full-data')
  writeFileSync(join(ws, 'big.pdf'), Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(900 * 1024)])) // its blob is 1.2 MB
  writeFileSync(join(ws, 'small.pdf'), Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(100 * 1024)]))
  studio = await startStudioChild({
    env: oc.scratch.env,
    prefix: ['prlimit', `--fsize=${LIMIT_BYTES}`, '--'],
    args: ['--opencode-port', String(oc.port), '--data-dir', dataDir, '--log-level', 'error'],
  })
  await waitStudioReady(studio.url)
  session = (await callJson(`${studio.url}/api/session?directory=${encodeURIComponent(ws)}`, { method: 'POST', body: { title: 'full' } })).body.id
})

afterAll(async () => {
  await studio?.stop()
  await oc?.stop()
  await mock?.close()
  oc?.scratch.remove()
})

const q = () => `directory=${encodeURIComponent(ws)}`
const upload = (path: string, data: Buffer) => callJson(`${studio.url}/api/fs/upload?${q()}&path=${path}&overwrite=true`, { method: 'POST', raw: data })
const forward = (serverPath: string) =>
  callJson(`${studio.url}/api/session/${session}/message?${q()}`, { method: 'POST', body: { noReply: true, parts: [{ type: 'file', serverPath }] } })
const messages = async () => ((await callJson(`${studio.url}/api/session/${session}/message?${q()}`)).body as unknown[]).length

function expectNothingLeft(): void {
  expect(tempLeftovers(ws, dataDir)).toEqual([])
  expect(auditCache(dataDir)).toMatchObject({ corruptBlobs: [], danglingRows: [], orphanBlobs: [], danglingSources: 0, uploadsInFlight: 0 })
}

describe('a write that does not fit', () => {
  it('an upload is refused with 507 insufficient_storage in JSON and leaves no file, temp file or blob', async () => {
    for (const size of [2 * LIMIT_BYTES, LIMIT_BYTES - 100 * 1024]) {
      // the second fits in the workspace but not its cache blob (base64 is a third larger)
      const res = await upload(`up/too-big-${size}.txt`, randomBytes(size))
      expect(res.status).toBe(507)
      expect(res.body).toMatchObject({ code: 'insufficient_storage' })
      expect(res.body.error).toContain('EFBIG')
      // the rest of its body was never read: the connection cannot carry another request (it used to hang)
      if (size > LIMIT_BYTES) expect(res.headers.connection).toBe('close')
      expect(existsSync(join(ws, 'up', `too-big-${size}.txt`))).toBe(false)
    }
    expectNothingLeft()
    expect(auditCache(dataDir).blobRows).toBe(0)
  })

  it('a forward whose attachment cannot be cached is refused before OpenCode sees it', async () => {
    const before = await messages()
    const res = await forward('big.pdf')
    expect(res.status).toBe(507)
    expect(res.body).toMatchObject({ code: 'insufficient_storage' })
    expect(await messages()).toBe(before)
    expectNothingLeft()
  })

  it('what fits still works, after the refusals', async () => {
    const data = randomBytes(200 * 1024)
    const up = await upload('up/fits.txt', data)
    expect(up.status).toBe(200)
    expect(sha256(readFileSync(join(ws, 'up', 'fits.txt')))).toBe(sha256(data))
    expect((await forward('small.pdf')).status).toBe(200)
    expectNothingLeft()
    expect(auditCache(dataDir).blobRows).toBe(2)
  })
})
