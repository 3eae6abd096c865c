// Studio as `npm start` runs it: it spawns the bundled OpenCode, restarts it when it dies, answers 503
// with the right code meanwhile, and takes it down when Studio itself is stopped.

import { dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { createScratch, type Scratch } from '../harness/scratch.js'
import { waitFor } from '../harness/wait.js'
import { hasExited } from '../harness/proc.js'
import { startStudioChild, studioHealth, waitStudioReady, type ChildStudio } from '../support/studio.js'

let mock: MockLlm
let scratch: Scratch

beforeAll(async () => {
  mock = await startMockLlm()
  scratch = createScratch({ llmBaseUrl: mock.baseUrl })
})

afterAll(async () => {
  await mock?.close()
  scratch?.remove()
})

/** PATH without any global `opencode`, so Studio must fall back to the bundled package. */
function envWithoutOpenCodeOnPath(): Record<string, string> {
  return { ...scratch.env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin` }
}

const health = (studio: ChildStudio) => studioHealth(studio.url)

describe('spawn mode', () => {
  let studio: ChildStudio

  afterAll(async () => {
    await studio?.stop()
  })

  it('spawns the bundled OpenCode and reaches ready', async () => {
    studio = await startStudioChild({ env: envWithoutOpenCodeOnPath(), args: ['--opencode-cwd', scratch.workspace] })
    const ready = await waitStudioReady(studio.url)
    expect(ready.opencode).toMatchObject({ mode: 'spawn', version: '1.18.33', restarts: 0, lastError: null })
    expect(ready.opencode.binary.source).toBe('package')
    expect(hasExited(ready.opencode.pid)).toBe(false)
    // The spawned OpenCode is password-protected: only Studio can drive it.
    const direct = await request(`${ready.opencode.url}/config`)
    await direct.body.dump()
    expect(direct.statusCode).toBe(401)
    const proxied = await request(`${studio.url}/api/config`)
    await proxied.body.dump()
    expect(proxied.statusCode).toBe(200)
  })

  it('restarts OpenCode after kill -9, answering 503 opencode_restarting meanwhile', async () => {
    const before = await health(studio)
    process.kill(before.opencode.pid, 'SIGKILL')

    await waitFor(async () => (await health(studio)).opencode.state === 'restarting', { timeoutMs: 5000, intervalMs: 10, what: 'restarting' })
    const during = await request(`${studio.url}/api/config`)
    const body = (await during.body.json()) as any
    expect(during.statusCode).toBe(503)
    expect(body).toMatchObject({ code: 'opencode_restarting', restarting: true, error: 'OpenCode is restarting' })
    expect(body.opencodeError).toMatchObject({ code: 'exited', signal: 'SIGKILL' })
    expect(during.headers['retry-after']).toBeDefined()

    const after = await waitStudioReady(studio.url)
    expect(after.opencode.pid).not.toBe(before.opencode.pid)
    expect(after.opencode.restarts).toBe(1)
    expect(after.opencode.lastError).toMatchObject({ code: 'exited', signal: 'SIGKILL' })
    const res = await request(`${studio.url}/api/config`)
    await res.body.dump()
    expect(res.statusCode).toBe(200)
  })

  it('stops its OpenCode when Studio gets SIGTERM (no orphan)', async () => {
    const { opencode } = await health(studio)
    studio.process.kill('SIGTERM')
    const exit = await studio.exited
    expect(exit.code).toBe(0)
    await waitFor(() => hasExited(opencode.pid), { timeoutMs: 5000, what: 'opencode gone' })
  })
})

describe('spawn mode on SIGINT', () => {
  it('stops its OpenCode too', async () => {
    const studio = await startStudioChild({ env: envWithoutOpenCodeOnPath(), args: ['--opencode-cwd', scratch.workspace] })
    try {
      const pid = (await waitStudioReady(studio.url)).opencode.pid as number
      studio.process.kill('SIGINT')
      expect((await studio.exited).code).toBe(0)
      await waitFor(() => hasExited(pid), { timeoutMs: 5000, what: 'opencode gone' })
    } finally {
      await studio.stop()
    }
  })
})
