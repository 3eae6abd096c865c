// Once OpenCode is ready, Studio asks it for the composer's lists (providers, agents, commands) of the
// directory with the newest activity, so OpenCode has built them before a page asks (src/upstream/warm-up.ts).
// Against the real OpenCode: the warm-up reaches it, names that directory, and is done again after a restart.

import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { createScratch } from '../harness/scratch.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { createSession } from '../support/opencode-api.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { callJson } from '../support/http.js'

describe('warming OpenCode for the newest directory', () => {
  let mock: MockLlm
  let oc: OpenCode
  let studio: InProcessStudio
  let newest: string

  const warmUp = async () => (await callJson(`${studio.url}/api/opencode-studio/diagnostics`)).body.warmUp

  beforeAll(async () => {
    mock = await startMockLlm()
    const scratch = createScratch({ llmBaseUrl: mock.baseUrl })
    oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, scratch, cwd: scratch.dir('own') })
    await createSession(oc, scratch.dir('older'), { title: 'older' })
    await new Promise((r) => setTimeout(r, 20)) // a later time.updated
    newest = scratch.dir('newest')
    await createSession(oc, newest, { title: 'newest' })
    studio = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--opencode-data-dir', oc.scratch.dataDir, '--data-dir', join(oc.scratch.root, 'sd')] })
    await studio.app.bridge.whenReady(10_000)
  })

  afterAll(async () => {
    await studio?.close()
    await oc?.stop()
    await mock?.close()
    oc?.scratch.remove()
  })

  it('asks OpenCode for the directory with the newest activity and says so in the diagnostics', async () => {
    await waitFor(async () => (await warmUp()) !== null && (await warmUp()).ok !== null, { timeoutMs: 60_000, what: 'warm-up done' })
    expect(await warmUp()).toMatchObject({ directory: newest, ok: true })
    // what it asked is what the composer gets: OpenCode's answer, unchanged, through the proxy
    const providers = await callJson(`${studio.url}/api/config/providers?directory=${encodeURIComponent(newest)}`)
    expect(providers.status).toBe(200)
    expect(providers.body.providers.map((p: { id: string }) => p.id)).toContain('mock')
  }, 90_000)

  it('warms again when OpenCode comes back', async () => {
    const port = oc.port
    const before = (await warmUp()).startedAt as number
    await oc.stop()
    await waitFor(() => studio.app.bridge.snapshot().state !== 'ready', { timeoutMs: 20_000, what: 'OpenCode lost' })
    oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, scratch: oc.scratch, cwd: oc.scratch.dir('own'), port })
    await studio.app.bridge.whenReady(20_000)
    await waitFor(async () => (await warmUp()).startedAt > before && (await warmUp()).ok !== null, { timeoutMs: 90_000, what: 'second warm-up done' })
    const report = await warmUp()
    expect(report.error).toBeUndefined()
    expect(report).toMatchObject({ directory: newest, ok: true })
  }, 180_000) // losing OpenCode (≤ 20 s), starting it again (≤ 60 s) and the warm-up (≤ 90 s): deadlines against "never"
})
