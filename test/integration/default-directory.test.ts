// A request naming no directory means OpenCode's own directory (its GET /path), never Studio's working
// directory: here OpenCode runs inside a git repository, Studio in this repository. Before OpenCode was
// ever reached, an attached Studio cannot know it and says so.

import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { createScratch } from '../harness/scratch.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { createSession, ocGet, type OcSession } from '../support/opencode-api.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { callJson } from '../support/http.js'
import { freePort } from '../../src/lib/free-port.js'

describe("OpenCode's own directory is the default", () => {
  let mock: MockLlm
  let oc: OpenCode
  let studio: InProcessStudio
  let repo: string
  const s = {} as Record<'root' | 'sub' | 'other', OcSession>

  beforeAll(async () => {
    mock = await startMockLlm()
    const scratch = createScratch({ llmBaseUrl: mock.baseUrl })
    repo = scratch.dir('repo')
    execFileSync('git', ['init', '-q'], { cwd: repo })
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: repo })
    oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, scratch, cwd: repo })
    s.root = await createSession(oc, repo, { title: 'in the repository' })
    s.sub = await createSession(oc, scratch.dir('repo/sub'), { title: 'in a subfolder' })
    s.other = await createSession(oc, scratch.dir('elsewhere'), { title: 'another project' })
    studio = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--opencode-data-dir', oc.scratch.dataDir, '--data-dir', join(oc.scratch.root, 'sd')] })
    await studio.app.bridge.whenReady(10_000)
  })

  afterAll(async () => {
    await studio?.close()
    await oc?.stop()
    await mock?.close()
    oc?.scratch.remove()
  })

  it("is what OpenCode's GET /path reports", async () => {
    const own = await ocGet<{ directory: string }>(oc, '/path')
    expect(await studio.app.bridge.directory()).toBe(own.body.directory)
    expect(own.body.directory).toBe(repo)
  })

  it("lists what OpenCode lists without a directory: every session of its directory's project", async () => {
    const own = await ocGet<OcSession[]>(oc, '/session')
    await waitFor(async () => (await callJson(`${studio.url}/api/session`)).body.length === own.body.length, { what: 'index caught up' })
    const ours = await callJson(`${studio.url}/api/session`)
    expect(ours.text).toBe(JSON.stringify(own.body))
    expect(new Set(ours.body.map((x: OcSession) => x.id))).toEqual(new Set([s.root.id, s.sub.id]))
  })

  it('is asked again when OpenCode comes back (here: restarted elsewhere on the same port)', async () => {
    const port = oc.port
    await oc.stop()
    await waitFor(() => studio.app.bridge.snapshot().state !== 'ready', { timeoutMs: 20_000, what: 'OpenCode lost' })
    const elsewhere = oc.scratch.dir('elsewhere')
    oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, scratch: oc.scratch, cwd: elsewhere, port })
    await studio.app.bridge.whenReady(20_000)
    expect(await studio.app.bridge.directory()).toBe(elsewhere)
    const ours = await callJson(`${studio.url}/api/session`)
    expect(ours.text).toBe(JSON.stringify((await ocGet(oc, '/session')).body))
    expect(ours.body.map((x: OcSession) => x.id)).toContain(s.other.id)
  }, 150_000) // losing OpenCode (≤ 20 s), starting it again (≤ 60 s) and ready behind Studio (≤ 20 s): deadlines against "never"

  it('answers 503 opencode_unavailable while an attached OpenCode was never reached, and works when a directory is named', async () => {
    const nowhere = await startStudioInProcess({
      env: oc.scratch.env,
      args: ['--opencode-port', String(await freePort(0)), '--opencode-data-dir', oc.scratch.dataDir, '--data-dir', join(oc.scratch.root, 'sd2')],
    })
    try {
      for (const path of ['/api/session', '/api/fs/upload?path=x.txt']) {
        const res = await callJson(`${nowhere.url}${path}`, path.includes('upload') ? { method: 'POST', raw: 'x' } : {})
        expect([res.status, res.body.code], path).toEqual([503, 'opencode_unavailable'])
        expect(res.headers['retry-after']).toBe('1')
      }
      const named = await callJson(`${nowhere.url}/api/session?directory=${encodeURIComponent(repo)}`)
      expect(named.status).toBe(200)
      await waitFor(async () => (await callJson(`${nowhere.url}/api/session?directory=${encodeURIComponent(repo)}`)).body.length === 1, { what: 'storage read' })
    } finally {
      await nowhere.close()
    }
  })
})
