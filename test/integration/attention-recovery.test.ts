// What a UI combines with the event stream, against the real OpenCode 1.18.33 spawned by Studio with
// `permission: {bash: "ask"}`: pending permissions and questions in /api/attention (whole, with the root
// session of a child's request) until they are answered through the proxy; the snapshot-stamp contract
// (a change made between a read and the subscribe arrives on the stream); and OpenCode killed mid-prompt
// (each busy session settled and announced as interrupted once OpenCode is back).

import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { createScratch, type Scratch } from '../harness/scratch.js'
import { hasExited } from '../harness/proc.js'
import { waitFor } from '../harness/wait.js'
import { openSse } from '../support/sse.js'
import { startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { eventOf, studioApi } from '../support/studio-api.js'

let mock: MockLlm
let scratch: Scratch
let studio: InProcessStudio
let dir: string

beforeAll(async () => {
  mock = await startMockLlm()
  scratch = createScratch({ llmBaseUrl: mock.baseUrl })
  const config = JSON.parse(readFileSync(scratch.configFile, 'utf8')) as Record<string, unknown>
  writeFileSync(scratch.configFile, JSON.stringify({ ...config, permission: { bash: 'ask' } }, null, 2))
  dir = scratch.dir('attn')
  // OpenCode offers its question tool to `opencode serve` clients only when asked to
  scratch.env.OPENCODE_ENABLE_QUESTION_TOOL = '1'
  studio = await startStudioInProcess({ env: scratch.env, args: ['--opencode-cwd', scratch.workspace, '--opencode-data-dir', scratch.dataDir] })
  expect(await studio.app.bridge.whenReady(30_000)).toBe(true)
  await waitFor(() => studio.app.events.upstreamConnected(), { what: 'event feed connected' })
})

afterAll(async () => {
  await studio?.close()
  await mock?.close()
  scratch?.remove()
})

const { q, call, newSession, promptAsync } = studioApi(() => studio.url, () => dir)


const idle = (id: string) =>
  waitFor(async () => (await call(`/api/session/status?sessionId=${id}&${q()}`)).body[id] === undefined, { timeoutMs: 60_000, what: 'idle' })

describe('attention', () => {
  it("lists a child session's pending permission whole, with its root, until it is answered", async () => {
    const root = await newSession('attention root')
    const child = await newSession('attention child', root)
    const stream = await openSse(`${studio.url}/api/global/event`)
    try {
      await promptAsync(child, 'run [[tool:bash {"command":"echo asked","description":"Echo a marker"}]]')
      const asked = await stream.waitFor(eventOf('permission.asked', child), 'permission.asked', 90_000)
      const props = asked.json.payload.properties
      expect(props.metadata).toBeTypeOf('object')
      expect(props.tool).toMatchObject({ messageID: expect.any(String), callID: expect.any(String) })

      const listed = await call(`/api/attention?${q()}`)
      expect(listed.status).toBe(200)
      expect(listed.headers['x-opencode-studio-source']).toBe('opencode')
      expect(Number(listed.headers['x-opencode-studio-seq'])).toBeGreaterThanOrEqual(Number(asked.id))
      expect(listed.body).toEqual([{ kind: 'permission', directory: dir, rootSessionID: root, request: props }])
      // every directory, and the local book, say the same
      expect((await call('/api/attention')).body).toContainEqual(listed.body[0])
      const local = await call('/api/attention?local=true')
      expect(local.headers['x-opencode-studio-source']).toBe('local')
      expect(local.body).toContainEqual(listed.body[0])

      const reply = await call(`/api/permission/${props.id}/reply?${q()}`, { method: 'POST', body: { reply: 'once' } })
      expect(reply.status).toBe(200)
      await stream.waitFor(eventOf('permission.replied', child), 'permission.replied')
      expect((await call(`/api/attention?${q()}`)).body).toEqual([])
      expect((await call('/api/attention?local=true')).body.filter((r: any) => r.request.id === props.id)).toEqual([])
      await idle(child)
    } finally {
      stream.close()
    }
  }, 150_000)

  it('lists a pending question until it is answered', async () => {
    const id = await newSession('question')
    const stream = await openSse(`${studio.url}/api/global/event`)
    try {
      const questions = [{ question: 'Which color?', header: 'Color', options: [{ label: 'Blue', description: 'blue' }, { label: 'Red', description: 'red' }] }]
      await promptAsync(id, `ask [[tool:question ${JSON.stringify({ questions })}]]`)
      const asked = await stream.waitFor(eventOf('question.asked', id), 'question.asked', 90_000)
      const props = asked.json.payload.properties
      const listed = (await call(`/api/attention?${q()}`)).body
      expect(listed).toEqual([{ kind: 'question', directory: dir, rootSessionID: id, request: props }])
      expect(props.questions[0].question).toBe('Which color?')
      const reply = await call(`/api/question/${props.id}/reply?${q()}`, { method: 'POST', body: { answers: [['Blue']] } })
      expect(reply.status).toBe(200)
      await stream.waitFor(eventOf('question.replied', id), 'question.replied')
      expect((await call(`/api/attention?${q()}`)).body).toEqual([])
      await idle(id)
    } finally {
      stream.close()
    }
  }, 150_000)
})

describe('snapshot stamps', () => {
  it.each([
    ['session', (id: string) => `/api/session/${id}`],
    ['session list', () => `/api/session?${q()}`],
    ['children', (id: string) => `/api/session/${id}/children`],
    ['messages', (id: string) => `/api/session/${id}/message?prune=true`],
    ['status', () => `/api/session/status?${q()}`],
    ['attention', () => `/api/attention?${q()}`],
    ['directories', () => '/api/opencode-studio/directories'],
  ])('a change made between a %s read and the subscribe arrives on the stream', async (_name, path) => {
    const id = await newSession('stamped')
    const read = await call(path(id))
    expect(read.status).toBe(200)
    const seq = read.headers['x-opencode-studio-seq'] as string
    expect(seq).toMatch(/^\d+$/)
    const title = `renamed ${Math.random()}`
    const renamed = await call(`/api/session/${id}?${q()}`, { method: 'PATCH', body: { title } })
    expect(renamed.status).toBe(200)
    const stream = await openSse(`${studio.url}/api/global/event`, { 'last-event-id': seq })
    try {
      const updated = await stream.waitFor((e) => eventOf('session.updated', id)(e) && e.json.payload.properties.info.title === title, 'session.updated')
      expect(Number(updated.id)).toBeGreaterThan(Number(seq))
      expect(stream.events.some((e) => e.event === 'replay-gap')).toBe(false)
    } finally {
      stream.close()
    }
  })
})

describe('OpenCode killed mid-prompt', () => {
  it('settles the busy session and announces it as interrupted once OpenCode is back', async () => {
    const id = await newSession('interrupted run')
    const stream = await openSse(`${studio.url}/api/global/event`)
    try {
      await promptAsync(id, 'never finishes [[delay:1000]] [[chunks:30]]')
      await waitFor(async () => (await call(`/api/session/status?sessionId=${id}&local=true`)).body[id]?.type === 'busy', { what: 'busy' })
      const pid = studio.app.bridge.snapshot().pid!
      process.kill(pid, 'SIGKILL')
      await waitFor(() => hasExited(pid), { intervalMs: 1, what: 'OpenCode exited' })
      const notice = await stream.waitFor(
        (e) => e.json?.type === 'opencode-studio:session-interrupted' && e.json.properties.sessionID === id,
        'session-interrupted',
        90_000,
      )
      expect(notice.json.properties).toEqual({ sessionID: id, directory: dir, reason: 'opencode-restarted' })
      expect(Number(notice.id)).toBeGreaterThan(0)
      // the state the notice announces is already there
      expect((await call(`/api/session/status?sessionId=${id}&local=true`)).body).toEqual({})
      const ready = stream.events.findIndex((e) => e.json?.type === 'opencode-studio:upstream-connected' && e.json.properties.reconnect === true)
      const interrupted = stream.events.indexOf(notice)
      expect(ready === -1 || ready < interrupted || interrupted >= 0).toBe(true)
      // kept for replay: a client resuming from before it gets it
      const resumed = await openSse(`${studio.url}/api/global/event`, { 'last-event-id': String(Number(notice.id) - 1) })
      try {
        const again = await resumed.waitFor((e) => e.id === notice.id, 'replayed notice')
        expect(again.data).toBe(notice.data)
      } finally {
        resumed.close()
      }
    } finally {
      stream.close()
    }
  }, 150_000)
})
