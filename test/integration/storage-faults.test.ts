// Storage under stress: a database another connection keeps locked, and legacy JSON files caught in the
// middle of a rewrite. Studio must keep answering, never stall its event loop, and say when an answer is
// degraded.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { legacyOpenCodeBin, startOpenCode, type OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { createSession, prompt, type OcSession } from '../support/opencode-api.js'
import { RECORDED_SCHEMA, schemaOf } from '../support/schema.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { callJson } from '../support/http.js'

const get = (base: string, path: string) => callJson(`${base}${path}`)

describe('SQLite storage held by another writer', () => {
  let mock: MockLlm
  let oc: OpenCode
  let studio: InProcessStudio
  let dir: string
  let session: OcSession

  beforeAll(async () => {
    mock = await startMockLlm()
    oc = await startOpenCode({ llmBaseUrl: mock.baseUrl })
    dir = oc.scratch.dir('locked')
    session = await createSession(oc, dir, { title: 'under lock' })
    await prompt(oc, dir, session.id, 'something to read')
    studio = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--opencode-data-dir', oc.scratch.dataDir] })
    await studio.app.sessions.ready()
  })

  afterAll(async () => {
    await studio?.close()
    await oc?.stop()
    await mock?.close()
    oc?.scratch.remove()
  })

  it('reads the schema recorded in test/fixtures (which unit tests and benchmarks build on)', () => {
    const db = new Database(join(oc.scratch.dataDir, 'opencode.db'), { readonly: true })
    try {
      expect(schemaOf(db)).toBe(RECORDED_SCHEMA)
    } finally {
      db.close()
    }
  })

  it('serves lists and messages without a failure or a stall while a write transaction stays open', async () => {
    const writer = new Database(join(oc.scratch.dataDir, 'opencode.db'))
    const delay = monitorEventLoopDelay({ resolution: 5 })
    writer.exec('BEGIN IMMEDIATE')
    writer.prepare("UPDATE session SET title = 'uncommitted' WHERE id = ?").run(session.id)
    delay.enable()
    try {
      const until = performance.now() + 2000
      let served = 0
      while (performance.now() < until) {
        const list = await get(studio.url, `/api/session?directory=${encodeURIComponent(dir)}&roots=true&includeChildren=true`)
        const messages = await get(studio.url, `/api/session/${session.id}/message`)
        const one = await get(studio.url, `/api/session/${session.id}`)
        expect([list.status, messages.status, one.status]).toEqual([200, 200, 200])
        expect(list.body.map((s: { id: string; title: string }) => s.title)).toEqual(['under lock'])
        expect(messages.body).toHaveLength(2)
        served += 3
      }
      expect(served).toBeGreaterThan(30)
    } finally {
      delay.disable()
      writer.exec('ROLLBACK')
      writer.close()
    }
    expect(delay.max / 1e6).toBeLessThan(50)
  })

  it('gives up on a database locked against readers with a bounded 503, then recovers', async () => {
    // WAL readers are never blocked by a writer, so the retry path is exercised on a copy of the database
    // switched to rollback journaling, where an exclusive write transaction shuts readers out.
    const copyDir = join(oc.scratch.root, 'locked-copy')
    mkdirSync(copyDir)
    const source = new Database(join(oc.scratch.dataDir, 'opencode.db'), { readonly: true })
    await source.backup(join(copyDir, 'opencode.db'))
    source.close()
    const writer = new Database(join(copyDir, 'opencode.db'))
    writer.pragma('journal_mode = DELETE')
    const second = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--opencode-data-dir', copyDir] })
    await second.app.sessions.ready()
    const delay = monitorEventLoopDelay({ resolution: 5 })
    let locked = false
    try {
      writer.exec('BEGIN EXCLUSIVE')
      locked = true
      delay.enable()
      // compact lists come from the index, which does not need the database
      const list = await get(second.url, `/api/session?directory=${encodeURIComponent(dir)}&fields=compact`)
      expect(list.status).toBe(200)
      expect(list.body).toHaveLength(1)

      const started = performance.now()
      const blocked = await get(second.url, `/api/session/${session.id}/message`)
      const waited = performance.now() - started
      expect(blocked.status).toBe(503)
      expect(blocked.body).toMatchObject({ code: 'storage_unavailable', consistency: { degraded: true, ioSkips: 1 } })
      expect(blocked.body.error).toContain('database is locked')
      expect(waited).toBeGreaterThan(1000) // it did retry…
      expect(waited).toBeLessThan(5000) // …within a bound

      // a reader that is still retrying when the lock goes away gets its answer
      const pending = get(second.url, `/api/session/${session.id}/message`)
      setTimeout(() => {
        writer.exec('ROLLBACK')
        locked = false
      }, 300)
      const after = await pending
      expect(after.status).toBe(200)
      expect(after.body).toHaveLength(2)
    } finally {
      delay.disable()
      if (locked) writer.exec('ROLLBACK')
      writer.close()
      await second.close()
    }
    expect(delay.max / 1e6).toBeLessThan(50)
  })
})

describe('legacy JSON files caught mid-rewrite', () => {
  let mock: MockLlm
  let oc: OpenCode
  let studio: InProcessStudio
  let dir: string
  const sessions: OcSession[] = []

  const fileOf = (s: OcSession) => join(oc.scratch.dataDir, 'storage', 'session', s.projectID, `${s.id}.json`)

  beforeAll(async () => {
    mock = await startMockLlm()
    oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, bin: legacyOpenCodeBin() })
    dir = oc.scratch.dir('json')
    for (const title of ['first', 'second', 'third']) sessions.push(await createSession(oc, dir, { title }))
    await oc.stop() // nothing else rewrites the files while the test does
    studio = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--opencode-data-dir', oc.scratch.dataDir] })
    await studio.app.sessions.ready()
  })

  afterAll(async () => {
    await studio?.close()
    await mock?.close()
    oc?.scratch.remove()
  })

  const list = () => get(studio.url, `/api/session?directory=${encodeURIComponent(dir)}&includeTotal=true`)

  it('serves the last good copy of a truncated file and says the answer is degraded', async () => {
    const target = sessions[1]!
    const text = readFileSync(fileOf(target), 'utf8')
    writeFileSync(fileOf(target), text.slice(0, Math.floor(text.length / 2)))
    studio.app.sessions.poke()
    const page = await waitFor(async () => {
      const p = (await list()).body
      return p.consistency?.staleReads ? p : null
    }, { what: 'a degraded list' })
    expect(page.sessions.map((s: { title: string }) => s.title).sort()).toEqual(['first', 'second', 'third'])
    expect(page.consistency).toEqual({ degraded: true, staleReads: 1 })

    const one = await get(studio.url, `/api/session/${target.id}`)
    expect(one.status).toBe(200)
    expect(one.body.title).toBe('second')
    expect(JSON.parse(String(one.headers['x-opencode-studio-consistency']))).toMatchObject({ degraded: true, staleReads: 1 })

    writeFileSync(fileOf(target), text)
    studio.app.sessions.poke()
    await waitFor(async () => (await list()).body.consistency === undefined, { what: 'a clean list again' })
  })

  it('skips a new file that is still half-written, asks to retry soon, and lists it once complete', async () => {
    const donor = sessions[2]!
    const complete = readFileSync(fileOf(donor), 'utf8').replace(donor.id, 'ses_zzzzhalfwritten00000000000').replace('"third"', '"fourth"')
    const path = join(oc.scratch.dataDir, 'storage', 'session', donor.projectID, 'ses_zzzzhalfwritten00000000000.json')
    writeFileSync(path, complete.slice(0, 40))
    studio.app.sessions.poke()
    const page = await waitFor(async () => {
      const p = (await list()).body
      return p.consistency?.transientSkips ? p : null
    }, { what: 'a degraded list' })
    expect(page.total).toBe(3)
    expect(page.consistency).toEqual({ degraded: true, transientSkips: 1, retryAfterMs: 180 })

    writeFileSync(path, complete)
    studio.app.sessions.poke()
    const healed = await waitFor(async () => {
      const p = (await list()).body
      return p.total === 4 && p.consistency === undefined ? p : null
    }, { what: 'the completed file listed' })
    expect(healed.sessions.map((s: { title: string }) => s.title)).toContain('fourth')
  })
})
