// The live view through Studio, against the real OpenCode with a slowed-down mock model: status while a
// prompt runs, event resume after a disconnect, OpenCode killed mid-prompt, and Studio itself restarted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { createScratch, type Scratch } from '../harness/scratch.js'
import { hasExited } from '../harness/proc.js'
import { waitFor } from '../harness/wait.js'
import { openSse, type SseClient } from '../support/sse.js'
import { startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { eventOf, studioApi } from '../support/studio-api.js'

/** About a second of streaming per prompt: 4 chunks, 250 ms apart. */
const SLOW = '[[delay:250]] [[chunks:4]]'


const STATUS_TIMEOUT_MS = 20_000
let mock: MockLlm
let scratch: Scratch
let studio: InProcessStudio
let dir: string

beforeAll(async () => {
  mock = await startMockLlm()
  scratch = createScratch({ llmBaseUrl: mock.baseUrl })
  dir = scratch.dir('live')
  // spawn mode, so Studio can bring OpenCode back after it is killed
  // A long status timeout: answering from the local cache must not wait on OpenCode, and with 20 s to
  // wait, a wait can never be mistaken for a slow machine (see the status test below).
  studio = await startStudioInProcess({
    env: scratch.env,
    args: ['--opencode-cwd', scratch.workspace, '--opencode-data-dir', scratch.dataDir, '--status-timeout-ms', String(STATUS_TIMEOUT_MS)],
  })
  expect(await studio.app.bridge.whenReady(30_000)).toBe(true)
  await waitFor(() => studio.app.events.upstreamConnected(), { what: 'event feed connected' })
})

afterAll(async () => {
  await studio?.close()
  await mock?.close()
  scratch?.remove()
})

const { q, call, newSession, promptAsync } = studioApi(() => studio.url, () => dir)


const eventIds = (client: SseClient) => client.events.filter((e) => e.id).map((e) => Number(e.id))

describe('status while a prompt runs', () => {
  it('goes busy then idle, in /api/session/status and in the event stream', async () => {
    const id = await newSession('status run')
    const stream = await openSse(`${studio.url}/api/global/event`)
    try {
      await promptAsync(id, `long job ${SLOW}`)
      const busy = await waitFor(async () => {
        const r = await call(`/api/session/status?${q()}`)
        return r.body[id]?.type === 'busy' ? r : null
      }, { what: 'busy from OpenCode' })
      expect(busy.headers['x-opencode-studio-source']).toBe('opencode')
      expect(Number(busy.headers['x-opencode-studio-seq'])).toBeGreaterThan(0)
      const local = await call(`/api/session/status?sessionId=${id}&local=true`)
      expect(local.body).toEqual({ [id]: { type: 'busy' } })
      expect(local.headers['x-opencode-studio-source']).toBe('local')

      await stream.waitFor(eventOf('session.status', id), 'session.status busy')
      const idle = await stream.waitFor(eventOf('session.idle', id), 'session.idle', 20_000)
      expect(Number(idle.id)).toBeGreaterThan(0)
      const ids = eventIds(stream)
      expect(ids).toEqual([...ids].sort((a, b) => a - b))
      expect(new Set(ids).size).toBe(ids.length)

      expect((await call(`/api/session/status?${q()}`)).body).toEqual({})
      expect((await call(`/api/session/status?sessionId=${id}&preferLocal=true`)).body).toEqual({})
      // as OpenCode's own stream, it carries OpenCode's `sync` copies too, but unnumbered: ids count each
      // persisted change once (a slim client gets no copies at all)
      const copies = stream.events.filter((e) => e.json?.payload?.type === 'sync')
      expect(copies.length).toBeGreaterThan(0)
      expect(copies.every((e) => e.id === undefined)).toBe(true)
      expect(stream.events[0]?.json?.payload?.type).toBe('server.connected')
      const created = stream.events.filter((e) => e.json?.payload?.type === 'message.updated' && e.json.payload.properties?.info?.sessionID === id)
      expect(created.length).toBeGreaterThan(0)
    } finally {
      stream.close()
    }
  })
})

describe('resume with Last-Event-ID', () => {
  it('replays every missed event exactly once, in order', async () => {
    const id = await newSession('resume run')
    const control = await openSse(`${studio.url}/api/global/event`)
    const first = await openSse(`${studio.url}/api/global/event`)
    let second: SseClient | null = null
    try {
      await promptAsync(id, `stream me ${SLOW}`)
      await first.waitFor(eventOf('session.status', id), 'first events')
      first.close()
      const lastSeen = eventIds(first).at(-1)!
      // let events flow while the client is away
      await control.waitFor((e) => Number(e.id) > lastSeen + 3, 'events while away')
      second = await openSse(`${studio.url}/api/global/event`, { 'last-event-id': String(lastSeen) })
      await control.waitFor(eventOf('session.idle', id), 'control idle', 20_000)
      await second.waitFor(eventOf('session.idle', id), 'resumed idle', 20_000)

      const resumed = second.events.filter((e) => e.id)
      expect(Number(resumed[0]!.id)).toBe(lastSeen + 1) // the replay starts right after the cursor
      const combined = [...first.events.filter((e) => e.id), ...resumed]
      const start = Number(combined[0]!.id)
      const reference = control.events.filter((e) => e.id && Number(e.id) >= start)
      expect(combined.map((e) => e.id)).toEqual(reference.map((e) => e.id).slice(0, combined.length))
      expect(combined.map((e) => e.data)).toEqual(reference.map((e) => e.data).slice(0, combined.length))
      expect(second.events.some((e) => e.event === 'replay-gap')).toBe(false)
    } finally {
      control.close()
      first.close()
      second?.close()
    }
  })
})

describe('OpenCode killed mid-prompt', () => {
  it('status answers from the local cache at once, the stream says so, and status reconciles after the restart', async () => {
    const id = await newSession('doomed run')
    const stream = await openSse(`${studio.url}/api/global/event`)
    try {
      await promptAsync(id, `never finishes [[delay:1000]] [[chunks:20]]`)
      await waitFor(async () => (await call(`/api/session/status?sessionId=${id}&local=true`)).body[id]?.type === 'busy', { what: 'busy' })
      const pid = studio.app.bridge.snapshot().pid!
      process.kill(pid, 'SIGKILL')
      // the failure, as the OS sees it: the process has exited (a zombie until Studio reaps it, or gone)
      await waitFor(() => hasExited(pid), { intervalMs: 1, what: 'OpenCode exited' })

      const answers = []
      for (let i = 0; i < 5; i++) {
        const started = performance.now()
        const r = await call(`/api/session/status?${q()}`)
        answers.push({ ms: performance.now() - started, ...r })
      }
      for (const a of answers) {
        expect(a.status).toBe(200)
        expect(a.headers['x-opencode-studio-source']).toBe('local-cache')
        expect(a.body).toEqual({ [id]: { type: 'busy' } }) // the last thing Studio knew
      }
      // the target is measured in bench/ (status-local); here only: no answer waited on OpenCode's timeout
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(STATUS_TIMEOUT_MS / 2)

      await stream.waitFor((e) => e.json?.type === 'opencode-studio:upstream-disconnected', 'upstream-disconnected')
      expect(await studio.app.bridge.whenReady(30_000)).toBe(true)
      await stream.waitFor((e) => e.json?.type === 'opencode-studio:upstream-connected' && e.json.properties.reconnect === true, 'upstream-connected', 30_000)
      // nobody tells Studio the prompt died: polling the restarted OpenCode does
      await waitFor(async () => Object.keys((await call(`/api/session/status?sessionId=${id}&local=true`)).body).length === 0, {
        timeoutMs: 20_000,
        what: 'status reconciled to idle',
      })
    } finally {
      stream.close()
    }
  })
})

describe('Studio restarted', () => {
  it('gives a client resuming with an id from the previous run a replay-gap frame', async () => {
    const stream = await openSse(`${studio.url}/api/global/event`)
    let lastSeen: number
    try {
      const id = await newSession('before restart')
      await stream.waitFor(eventOf('session.created', id), 'session.created')
      lastSeen = eventIds(stream).at(-1)!
    } finally {
      stream.close()
    }
    // a second Studio on the same OpenCode and data: what a restart looks like to the client
    const port = new URL(studio.app.bridge.snapshot().url!).port
    const next = await startStudioInProcess({
      env: scratch.env,
      args: ['--opencode-port', port, `--opencode-password=${passwordOf(studio)}`, '--opencode-data-dir', scratch.dataDir], // a password may start with '-'
    })
    try {
      const resumed = await openSse(`${next.url}/api/global/event`, { 'last-event-id': String(lastSeen) })
      try {
        const gap = await resumed.waitFor((e) => e.event === 'replay-gap', 'replay-gap')
        expect(gap.json).toMatchObject({ type: 'opencode-studio:replay-gap', properties: { reason: 'cursor-too-old', requestedLastEventId: lastSeen } })
        expect(gap.id).toBeFalsy() // control frames never move the client's cursor
      } finally {
        resumed.close()
      }
    } finally {
      await next.close()
    }
  })
})

/** The random password the spawned OpenCode was started with, from the bridge's credentials. */
function passwordOf(s: InProcessStudio): string {
  const auth = s.app.bridge.target()!.authorization!
  return Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString().split(':').slice(1).join(':')
}
