// The hostile table (test/support/hostile-cases.ts, every row) against Studio attached to the real
// OpenCode: each row gets its 4xx with a code (or its success), never a 5xx or a hang; Studio's own error
// answers are JSON {error, code}; nothing is written outside the workspace; idle connections are closed.
// The fault suite's hostile case runs the same table against a Studio process and counts crashes.

import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { PassThrough } from 'node:stream'
import { request } from 'undici'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { callJson } from '../support/http.js'
import { HOSTILE_CASES, HOSTILE_STUDIO_ARGS, type HostileContext } from '../support/hostile-cases.js'
import { runHostileRow } from '../support/hostile-run.js'
import { prepareHostileGround, snapshotDisk, writtenOutside, type DiskSnapshot } from '../support/hostile/workspace.js'
import { idleConnections } from '../support/idle-connections.js'
import { openSse } from '../support/sse.js'
import { waitFor } from '../harness/wait.js'
import { tempLeftovers, trickle } from '../support/uploads.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { createApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { createLogger } from '../../src/lib/log.js'

/** The fault suite opens 1,000; enough here to show they are all closed. */
const IDLE_CONNECTIONS = 100

let mock: MockLlm
let oc: OpenCode
let studio: InProcessStudio
let guarded: InProcessStudio
let ctx: HostileContext
let before: DiskSnapshot

beforeAll(async () => {
  mock = await startMockLlm()
  oc = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  const { ws, outside } = prepareHostileGround(join(oc.scratch.root, 'hostile'))
  const common = [...attachArgs(oc), ...HOSTILE_STUDIO_ARGS]
  studio = await startStudioInProcess({ env: oc.scratch.env, args: [...common, '--data-dir', join(oc.scratch.root, 'hostile-data')] })
  guarded = await startStudioInProcess({ env: oc.scratch.env, args: [...common, '--data-dir', join(oc.scratch.root, 'guarded-data'), '--allowed-directories', ws] })
  await studio.app.bridge.whenReady(10_000)
  await guarded.app.bridge.whenReady(10_000)
  const session = (await callJson(`${studio.url}/api/session?directory=${encodeURIComponent(ws)}`, { method: 'POST', body: { title: 'hostile' } })).body.id
  ctx = { port: Number(new URL(studio.url).port), guardedPort: Number(new URL(guarded.url).port), ws, outside, session }
  before = snapshotDisk(ws, outside, homedir())
})

afterAll(async () => {
  await guarded?.close()
  await studio?.close()
  await oc?.stop()
  await mock?.close()
  oc?.scratch.remove()
})

describe('hostile input', { timeout: 40_000 }, () => {
  it('the table has at least 300 rows', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(300)
  })

  it.each(HOSTILE_CASES.map((c) => [`${c.group}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const out = await runHostileRow(ctx, c)
    expect(out.failure).toBeNull()
    expect({ status: out.answer?.status, code: c.code === undefined ? undefined : out.answer?.json?.code }).toEqual({ status: c.status, code: c.code })
    if (c.body !== undefined) expect(out.answer?.json).toEqual(c.body)
    if (c.until) expect(out.answer?.body).toMatch(c.until)
    expect(out.nonJson).toBe(false) // Studio's own error answers are {error, code}
  })

  it('wrote nothing outside the workspace (the canary folder, the folders around, /tmp, /, /etc, home)', () => {
    expect(writtenOutside(before, snapshotDisk(ctx.ws, ctx.outside, homedir()))).toEqual([])
  })

  it(`closes ${IDLE_CONNECTIONS} idle connections itself, with a 408 where a request had begun, and serves others meanwhile`, async () => {
    const idle = await idleConnections(ctx.port, IDLE_CONNECTIONS, 15_000)
    expect(idle.closedByStudio).toBe(IDLE_CONNECTIONS)
    expect(idle.told408).toBeGreaterThanOrEqual(IDLE_CONNECTIONS / 2)
    expect(idle.served).toBe(idle.probes)
  })
})

describe('event stream cursors', () => {
  it.each(['-5', 'abc', '0x10', '1e3', '99999999999999999999'])('Last-Event-ID %j gets a replay-gap saying the cursor was invalid', async (cursor) => {
    const sse = await openSse(`http://127.0.0.1:${ctx.port}/api/global/event`, { 'last-event-id': cursor })
    try {
      const gap = await sse.waitFor((e) => e.event === 'replay-gap', 'replay-gap')
      expect(gap.json.properties).toMatchObject({ reason: 'cursor-invalid', requestedLastEventId: null, gapSeq: null })
    } finally {
      sse.close()
    }
  })

  it('a valid cursor gets no cursor-invalid gap', async () => {
    const seq = Number((await request(`http://127.0.0.1:${ctx.port}/api/session/status`)).headers['x-opencode-studio-seq'])
    const sse = await openSse(`http://127.0.0.1:${ctx.port}/api/global/event`, { 'last-event-id': String(seq) })
    try {
      // any gap frame would come first, before the events that follow
      const created = (await callJson(`http://127.0.0.1:${ctx.port}/api/session?directory=${encodeURIComponent(ctx.ws)}`, { method: 'POST', body: { title: 'cursor' } })).body.id
      await sse.waitFor((e) => e.json?.payload?.type === 'session.created' && e.json.payload.properties?.info?.id === created, 'session.created')
      expect(sse.events.filter((e) => e.event === 'replay-gap')).toEqual([])
    } finally {
      sse.close()
    }
  })
})

describe('an upload its client aborts', () => {
  let app: App
  let logs = ''
  let url: string
  beforeAll(async () => {
    const loaded = loadConfig({ argv: ['--port', '0', ...attachArgs(oc), '--data-dir', join(oc.scratch.root, 'abort-data')], env: oc.scratch.env, cwd: process.cwd() })
    if (loaded.kind !== 'config') throw new Error('unexpected')
    const sink = new PassThrough()
    sink.on('data', (b: Buffer) => (logs += b.toString()))
    app = await createApp(loaded.config, { log: createLogger('info', sink) })
    url = await app.start()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('is not logged as an error and leaves nothing behind', async () => {
    const abort = new AbortController()
    const pending = request(`${url}/api/fs/upload?directory=${encodeURIComponent(ctx.ws)}&path=hp/aborted.bin`, {
      method: 'POST',
      body: trickle(Buffer.alloc(512 * 1024, 1), 16 * 1024, 50),
      signal: abort.signal,
    }).catch((err: Error) => err)
    await new Promise((r) => setTimeout(r, 400))
    abort.abort()
    expect(await pending).toBeInstanceOf(Error)
    await waitFor(() => tempLeftovers(ctx.ws).length === 0, { what: 'the temp file to be removed' })
    expect(existsSync(join(ctx.ws, 'hp', 'aborted.bin'))).toBe(false)
    // logged, at info: so the absence of an error line below means something
    await waitFor(() => logs.includes('upload aborted by the client'), { what: 'the abort to be logged' })
    expect(logs.split('\n').filter((l) => l.includes('"level":50'))).toEqual([])
  })
})

describe('allowed directories', () => {
  let app: App
  let url: string
  beforeAll(async () => {
    const args = ['--port', '0', ...attachArgs(oc), '--data-dir', join(oc.scratch.root, 'dirs-data'), '--allowed-directories', ctx.ws]
    const loaded = loadConfig({ argv: args, env: oc.scratch.env, cwd: process.cwd() })
    if (loaded.kind !== 'config') throw new Error('unexpected')
    app = await createApp(loaded.config, { log: createLogger('silent') })
    url = await app.start()
  })
  afterAll(async () => {
    await app?.close()
  })

  const refused = async (path: string, init: Parameters<typeof callJson>[1] = {}) => {
    const res = await callJson(`${url}${path}`, init)
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 403, code: 'directory_not_allowed' })
  }

  it('refuses a serverPath read in a directory outside the list (?directory=/etc, serverPath passwd)', async () => {
    await refused(`/api/session/${ctx.session}/message?directory=/etc`, { method: 'POST', body: { noReply: true, parts: [{ type: 'file', serverPath: 'passwd' }] } })
  })

  it('refuses an upload into / and leaves nothing there', async () => {
    await refused('/api/fs/upload?directory=/&path=tmp/ocs-should-not-exist.txt', { method: 'POST', raw: 'x' })
    expect(existsSync('/tmp/ocs-should-not-exist.txt')).toBe(false)
  })

  it('refuses the directory before anything is forwarded to OpenCode (query or header, symlinks resolved)', async () => {
    await refused('/api/session?directory=/etc')
    await refused('/api/session', { method: 'POST', body: { title: 'x' }, headers: { 'x-opencode-directory': encodeURIComponent('/etc') } })
    await refused(`/api/session?directory=${encodeURIComponent(join(ctx.ws, '..'))}`)
    const sessions = await request(`${oc.url}/session?directory=/etc`)
    expect(((await sessions.body.json()) as unknown[]).length).toBe(0)
  })

  it('serves the listed workspace and its subfolders as before', async () => {
    const up = await callJson(`${url}/api/fs/upload?directory=${encodeURIComponent(join(ctx.ws, 'hp'))}&path=allowed.txt&overwrite=true`, { method: 'POST', raw: 'ok' })
    expect(up.status).toBe(200)
    const list = await callJson(`${url}/api/session?directory=${encodeURIComponent(ctx.ws)}`)
    expect(list.status).toBe(200)
  })
})
