// Hostile and broken requests (test/support/hostile-cases.ts) against Studio attached to the real
// OpenCode: each gets its 4xx with a code (or its success), never a 5xx or a hang.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { callJson } from '../support/http.js'
import { HOSTILE_CASES, HOSTILE_TIMEOUT_ARGS, type HostileContext } from '../support/hostile-cases.js'
import { rawHttp } from '../support/raw-http.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'

let mock: MockLlm
let oc: OpenCode
let studio: InProcessStudio
let ctx: HostileContext

beforeAll(async () => {
  mock = await startMockLlm()
  oc = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  const ws = oc.scratch.dir('hostile-ws')
  mkdirSync(join(ws, 'hp'), { recursive: true })
  writeFileSync(join(ws, 'hp', 'inside.txt'), 'inside')
  studio = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--data-dir', join(oc.scratch.root, 'hostile-data'), ...HOSTILE_TIMEOUT_ARGS] })
  await studio.app.bridge.whenReady(10_000)
  const session = (await callJson(`${studio.url}/api/session?directory=${encodeURIComponent(ws)}`, { method: 'POST', body: { title: 'hostile' } })).body.id
  ctx = { port: Number(new URL(studio.url).port), ws, session }
})

afterAll(async () => {
  await studio?.close()
  await oc?.stop()
  await mock?.close()
  oc?.scratch.remove()
})

describe('hostile input', { timeout: 40_000 }, () => {
  it.each(HOSTILE_CASES.map((c) => [`${c.item}. ${c.name}`, c] as const))('%s', async (_name, c) => {
    const answer = await rawHttp(ctx.port, c.request(ctx), { timeoutMs: 30_000 })
    expect({ status: answer.status, code: answer.json?.code }).toEqual({ status: c.status, code: c.code })
    if (c.code) expect(typeof answer.json.error).toBe('string')
    if (c.body !== undefined) expect(answer.json).toEqual(c.body)
  })
})
