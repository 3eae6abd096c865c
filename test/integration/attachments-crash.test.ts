// kill -9 Studio while 20 uploads and forwards are running, then restart it: no temp files, no orphan
// blobs, no dangling index rows, and every upload that was answered is intact (the short form of the
// fault suite's upload-kill case; the helpers are shared with it).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { auditCache, halfWritten, sha256 } from '../support/cache-audit.js'
import { startLoad, writeForwardDocs } from '../support/upload-load.js'
import { tempLeftovers } from '../support/uploads.js'
import { startStudioChild, waitStudioReady, type ChildStudio } from '../support/studio.js'

const UPLOADS = 10
const FORWARDS = 10

let mock: MockLlm
let oc: OpenCode
let ws: string
let dataDir: string

beforeAll(async () => {
  mock = await startMockLlm()
  oc = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  ws = oc.scratch.dir('crash-ws')
  dataDir = join(oc.scratch.root, 'crash-data')
  writeForwardDocs(ws, FORWARDS, 2 * 1024 * 1024)
})

afterAll(async () => {
  await oc?.stop()
  await mock?.close()
  oc?.scratch.remove()
})

const studioArgs = () => ['--opencode-port', String(oc.port), '--data-dir', dataDir, '--log-level', 'warn']

describe('a crash in the middle of uploads and forwards', () => {
  it('leaves nothing behind after a restart, and every completed upload is intact', async () => {
    let studio: ChildStudio = await startStudioChild({ env: oc.scratch.env, args: studioArgs() })
    await waitStudioReady(studio.url)
    const session = ((await (await request(`${studio.url}/api/session?directory=${encodeURIComponent(ws)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"crash"}',
    })).body.json()) as { id: string }).id

    const load = startLoad({ url: studio.url, workspace: ws, session, uploads: UPLOADS, forwards: FORWARDS, chunkBytes: 64 * 1024, delayMs: 15 })
    await waitFor(() => load.completed.size >= 2, { what: 'a few uploads done' })
    studio.process.kill('SIGKILL')
    await load.settled
    expect(load.completed.size).toBeGreaterThan(0)
    expect(load.completed.size).toBeLessThan(UPLOADS) // some really were cut off
    expect(tempLeftovers(ws, dataDir).length).toBeGreaterThan(0) // the crash did leave debris for the restart to clear

    studio = await startStudioChild({ env: oc.scratch.env, args: studioArgs() })
    try {
      await waitFor(async () => (await request(`${studio.url}/api/attachments/stats`)).statusCode === 200, { what: 'restarted' })
      expect(tempLeftovers(ws, dataDir)).toEqual([])
      const audit = auditCache(dataDir)
      expect(audit).toMatchObject({ corruptBlobs: [], danglingRows: [], orphanBlobs: [], danglingSources: 0, uploadsInFlight: 0 })
      expect(audit.blobRows).toBe(audit.blobFiles)
      const payloads = new Set([...load.sent.values()].flatMap((s) => [...s]))
      expect(halfWritten(load.targets, payloads)).toEqual([])
      for (const [path, digest] of load.completed) expect(sha256(readFileSync(path))).toBe(digest)
    } finally {
      await studio.stop()
    }
  })
})
