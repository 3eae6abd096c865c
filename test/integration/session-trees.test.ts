// Session lists and trees served from OpenCode's own storage, against both real storage formats:
// opencode-ai 1.18.33 (SQLite) and 1.1.65 (legacy JSON). Sessions are created through the real OpenCode
// in three directories: a root in A with a child in B and a grandchild in C, plus other roots.

import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { legacyOpenCodeBin, pinnedOpenCodeBin, startOpenCode, type OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { createSession, deleteSession, ocGet, prompt, type OcSession } from '../support/opencode-api.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { callJson } from '../support/http.js'
import { openSse } from '../support/sse.js'

const FLAVOURS = [
  { name: 'SQLite storage (opencode 1.18.33)', bin: pinnedOpenCodeBin, storage: 'sqlite' },
  { name: 'legacy JSON storage (opencode 1.1.65)', bin: legacyOpenCodeBin, storage: 'json' },
] as const

describe.each(FLAVOURS)('$name', ({ bin, storage }) => {
  let mock: MockLlm
  let oc: OpenCode
  let studio: InProcessStudio
  let A: string, B: string, C: string
  const s = {} as Record<'a1' | 'a2' | 'a3' | 'b1' | 'b2' | 'c1', OcSession>

  const get = (path: string, headers: Record<string, string> = {}) => callJson(`${studio.url}${path}`, { headers })
  const list = async (dir: string, params = '') => (await get(`/api/session?directory=${encodeURIComponent(dir)}${params}`)).body
  const ids = (sessions: { id: string }[]) => sessions.map((x) => x.id)

  beforeAll(async () => {
    mock = await startMockLlm()
    oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, bin: bin() })
    A = oc.scratch.dir('A')
    B = oc.scratch.dir('B')
    C = oc.scratch.dir('C')
    execFileSync('git', ['init', '-q'], { cwd: A })
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: A })

    // Created in this order, so time.updated orders them the same way (newest last).
    s.a1 = await createSession(oc, A, { title: 'Alpha root' })
    s.b1 = await createSession(oc, B, { title: 'Child in B', parentID: s.a1.id })
    s.c1 = await createSession(oc, C, { title: 'Grandchild in C', parentID: s.b1.id })
    s.a2 = await createSession(oc, A, { title: 'Beta root' })
    s.b2 = await createSession(oc, B, { title: 'B root' })
    s.a3 = await createSession(oc, A, { title: 'Child in A', parentID: s.a1.id })

    studio = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), '--opencode-data-dir', oc.scratch.dataDir] })
    const all = Object.values(s).map((x) => x.id)
    await waitFor(async () => (await list(A, `&scope=project&ids=${all.join(',')}`)).length === 3, { what: 'index loaded' })
  })

  afterAll(async () => {
    await studio?.close()
    await oc?.stop()
    await mock?.close()
    oc?.scratch.remove()
  })

  it('reports the storage it reads in /health', async () => {
    const health = (await get('/health')).body
    expect(health.storage).toMatchObject({ storage, loaded: true, lastError: null })
    expect(health.storage.sessions).toBeGreaterThanOrEqual(6)
  })

  it("A's tree: roots newest first, each followed by its subtree across directories", async () => {
    const page = await list(A, '&roots=true&includeChildren=true&includeTotal=true')
    expect(ids(page.sessions)).toEqual([s.a2.id, s.a1.id, s.a3.id, s.b1.id, s.c1.id])
    expect(page).toMatchObject({ total: 2, offset: 0, hasMore: false })
    expect(page.consistency).toBeUndefined()
  })

  it("B's tree includes its child's whole lineage up to the root in A", async () => {
    const page = await list(B, '&roots=true&includeChildren=true&includeTotal=true')
    expect(ids(page.sessions)).toEqual([s.b2.id, s.a1.id, s.a3.id, s.b1.id, s.c1.id])
    expect(page.total).toBe(2)
    // roots without the tree parameters is OpenCode's filter (sessions without a parent), not a tree
    const rootsTree = await list(B, '&roots=true&includeTotal=true')
    expect(ids(rootsTree.sessions)).toEqual([s.b2.id, s.a1.id])
    expect(ids(await list(B, '&roots=true'))).toEqual([s.b2.id])
  })

  it("C's grandchild gets its chain up to the true root, not one level", async () => {
    const page = await list(C, `&roots=true&includeChildren=true&includeTotal=true&focusSessionId=${s.c1.id}`)
    expect(ids(page.sessions)).toEqual([s.a1.id, s.a3.id, s.b1.id, s.c1.id])
    expect(page).toMatchObject({ total: 1, focusRootId: s.a1.id, focusRootIndex: 0 })
    const grandchild = page.sessions.find((x: { id: string }) => x.id === s.c1.id)
    expect(grandchild).toEqual({
      id: s.c1.id,
      title: 'Grandchild in C',
      slug: s.c1.slug,
      directory: C,
      parentID: s.b1.id,
      time: { created: s.c1.time.created, updated: s.c1.time.updated },
    })
  })

  it('flat lists are exact per directory, newest first, and ignore trailing slashes', async () => {
    expect(ids(await list(B))).toEqual([s.b2.id, s.b1.id])
    expect(ids(await list(`${B}/`))).toEqual([s.b2.id, s.b1.id])
    expect(ids(await list(C))).toEqual([s.c1.id])
    const byHeader = await get('/api/session', { 'x-opencode-directory': encodeURIComponent(B) })
    expect(ids(byHeader.body)).toEqual([s.b2.id, s.b1.id])
  })

  it('pages count roots, and a focus picks the page holding its root', async () => {
    const first = await list(B, '&roots=true&includeChildren=true&includeTotal=true&limit=1')
    expect(ids(first.sessions)).toEqual([s.b2.id])
    expect(first).toMatchObject({ total: 2, offset: 0, limit: 1, hasMore: true, nextOffset: 1 })
    const second = await list(B, '&roots=true&includeChildren=true&includeTotal=true&limit=1&offset=1')
    expect(ids(second.sessions)).toEqual([s.a1.id, s.a3.id, s.b1.id, s.c1.id])
    expect(second).toMatchObject({ hasMore: false })
    expect(second.nextOffset).toBeUndefined()
    const focused = await list(B, `&roots=true&includeChildren=true&includeTotal=true&limit=1&focusSessionId=${s.c1.id}`)
    expect(focused).toMatchObject({ offset: 1, focusRootId: s.a1.id, focusRootIndex: 1 })
    expect(ids(focused.sessions)[0]).toBe(s.a1.id)
  })

  it("searches titles case-insensitively (OpenCode's search), and slugs and ids too in tree pages", async () => {
    expect(ids(await list(A, '&search=BETA'))).toEqual([s.a2.id])
    expect(await list(A, `&search=${s.a3.slug.toUpperCase()}`)).toEqual([])
    expect(ids((await list(A, `&search=${s.a3.slug.toUpperCase()}&includeTotal=true`)).sessions)).toEqual([s.a3.id])
    expect(ids((await list(A, `&search=${s.a3.id.slice(-8)}&includeTotal=true`)).sessions)).toEqual([s.a3.id])
    expect(await list(A, '&search=nothing-like-this')).toEqual([])
  })

  it('ids mode keeps the requested order and the directory filter', async () => {
    expect(ids(await list(B, `&ids=${s.b1.id},${s.b2.id}`))).toEqual([s.b1.id, s.b2.id])
    expect(ids(await list(B, `&ids=${s.a1.id},${s.b2.id},ses_unknown`))).toEqual([s.b2.id])
  })

  it("project scope covers the git project's directories", async () => {
    const sub = oc.scratch.dir('A/sub')
    const inSub = await createSession(oc, sub, { title: 'In a subfolder' })
    await waitFor(async () => ids(await list(A, '&scope=project')).includes(inSub.id), { what: 'subfolder session', timeoutMs: 5000 })
    const project = ids(await list(A, '&scope=project'))
    expect(new Set(project)).toEqual(new Set([s.a1.id, s.a2.id, s.a3.id, inSub.id]))
    expect(ids(await list(A))).not.toContain(inSub.id)
    await deleteSession(oc, sub, inSub.id)
  })

  it("agrees with OpenCode's own /session/:id, field for field", async () => {
    for (const session of Object.values(s)) {
      const own = await ocGet(oc, `/session/${session.id}`, session.directory)
      const ours = await get(`/api/session/${session.id}`)
      expect(ours.status).toBe(200)
      expect(ours.body).toEqual(own.body)
    }
    const listed = await list(A, '&roots=true&includeChildren=true')
    for (const entry of listed) {
      const own = (await ocGet<OcSession>(oc, `/session/${entry.id}`, entry.directory)).body
      expect(entry).toMatchObject({ id: own.id, title: own.title, slug: own.slug, directory: own.directory, time: { created: own.time.created, updated: own.time.updated } })
      expect(entry.parentID).toBe(own.parentID)
    }
  })

  it('matches OpenCode for a subagent child (permission, agent) and for the flat list', async () => {
    await prompt(oc, B, s.b2.id, 'delegate [[tool:task {"description":"sub job","prompt":"hi","subagent_type":"general"}]]')
    const children = (await ocGet<OcSession[]>(oc, `/session/${s.b2.id}/children`, B)).body
    expect(children).toHaveLength(1)
    const sub = children[0]!
    await waitFor(async () => ids(await list(B)).includes(sub.id), { what: 'subagent session listed' })
    const ours = await get(`/api/session/${sub.id}`)
    expect(ours.body).toEqual((await ocGet(oc, `/session/${sub.id}`, sub.directory)).body)
    expect(ours.body.title).toContain('subagent')
    const tree = await list(B, '&roots=true&includeChildren=true')
    expect(ids(tree).indexOf(sub.id)).toBe(ids(tree).indexOf(s.b2.id) + 1)
    const own = (await ocGet<OcSession[]>(oc, '/session', B)).body
    if (storage === 'sqlite') expect(ids(await list(B))).toEqual(ids(own))
    // OpenCode 1.1.65 orders by creation; Studio (like 1.18 and the Rust Studio) by last update
    else expect(new Set(ids(await list(B)))).toEqual(new Set(ids(own)))
  })

  it("lists children like OpenCode's /session/:id/children, from any directory", async () => {
    const own = await ocGet<OcSession[]>(oc, `/session/${s.a1.id}/children`, A)
    const ours = await get(`/api/session/${s.a1.id}/children`)
    expect(ours.status).toBe(200)
    expect(new Set(ids(ours.body))).toEqual(new Set([s.b1.id, s.a3.id]))
    if (storage === 'sqlite') {
      expect(ours.body).toEqual(own.body)
    } else {
      // OpenCode 1.1.65 only finds children in the asking directory's project (here: a3, not b1 in B);
      // Studio finds them wherever they live, with the same objects.
      expect(ids(own.body)).toEqual([s.a3.id])
      expect(ours.body.filter((x: OcSession) => x.id === s.a3.id)).toEqual(own.body)
    }
  })

  it("serves messages in OpenCode's shape, paged from the newest", async () => {
    await prompt(oc, A, s.a2.id, 'first message')
    await prompt(oc, A, s.a2.id, 'second message')
    const own = await ocGet<{ info: { id: string } }[]>(oc, `/session/${s.a2.id}/message`, A)
    const ours = await get(`/api/session/${s.a2.id}/message`)
    expect(ours.status).toBe(200)
    expect(ours.body).toEqual(own.body)
    expect(ours.body).toHaveLength(4)
    expect((await get(`/api/session/${s.a2.id}/message?limit=0`)).body).toHaveLength(4) // 0: no limit, as OpenCode

    const mid = own.body[1]!.info.id
    const one = await get(`/api/session/${s.a2.id}/message/${mid}`)
    expect(one.status).toBe(200)
    expect(one.body).toEqual((await ocGet(oc, `/session/${s.a2.id}/message/${mid}`, A)).body)
    for (const path of [`/session/${s.a2.id}/message/msg_doesnotexist000`, `/session/ses_doesnotexist0000/message/${mid}`]) {
      const missing = await get(`/api/${path.slice(1)}`)
      expect([missing.status, missing.body.name, missing.body.data]).toEqual([404, 'NotFoundError', { message: 'Message not found: ' + path.split('/').pop() }])
    }

    const page = await get(`/api/session/${s.a2.id}/message?limit=1&includeTotal=true`)
    expect(page.body).toMatchObject({ total: 4, offset: 0, limit: 1, hasMore: true, nextOffset: 1 })
    expect(page.body.entries).toEqual(own.body.slice(-1))
    const older = await get(`/api/session/${s.a2.id}/message?limit=2&offset=1`)
    expect(older.body).toEqual(own.body.slice(1, 3))

    if (storage === 'sqlite') {
      // OpenCode's own cursor paging works the same through Studio
      const ownPage = await ocGet<unknown[]>(oc, `/session/${s.a2.id}/message?limit=1`, A)
      expect(page.headers['x-next-cursor']).toBe(ownPage.headers['x-next-cursor'])
      const bare = await get(`/api/session/${s.a2.id}/message?limit=1&directory=${encodeURIComponent(A)}`)
      const studioOrigin = studio.url.replace('localhost', '127.0.0.1')
      expect(bare.headers.link).toBe(String(ownPage.headers.link).replace(oc.url, `${studioOrigin}/api`))
      const before = await get(`/api/session/${s.a2.id}/message?limit=2&before=${page.headers['x-next-cursor']}`)
      const ownBefore = await ocGet(oc, `/session/${s.a2.id}/message?limit=2&before=${page.headers['x-next-cursor']}`, A)
      expect(before.body).toEqual(ownBefore.body)
    }
  })

  it('answers unknown sessions with a JSON 404 and bad queries with a JSON 400', async () => {
    const missing = await get('/api/session/ses_doesnotexist00000000000000')
    expect(missing.status).toBe(404)
    // not in storage while OpenCode is up: OpenCode is asked (the session may be newer than its files), so
    // the answer is OpenCode's own, exactly
    const own = await ocGet(oc, '/session/ses_doesnotexist00000000000000')
    expect([missing.status, missing.body]).toEqual([own.status, own.body])
    for (const path of ['/children', '/message']) {
      expect((await get(`/api/session/ses_doesnotexist00000000000000${path}`)).status).toBe(404)
    }
    // ids OpenCode's routes refuse are OpenCode's to answer (its 500 for a non-session id, 400 for a message id)
    for (const path of ['/session/not-a-session', '/session/not-a-session/children', `/session/${s.a2.id}/message/not-a-message`]) {
      const own = await ocGet<{ name: string }>(oc, path)
      const ours = await get(`/api${path}`)
      expect([ours.status, ours.body.name], path).toEqual([own.status, own.body.name])
    }
    const bad = await get(`/api/session?directory=${encodeURIComponent(A)}&includeTotal=true&limit=lots`)
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ code: 'invalid_query', success: false, data: { name: 'limit', value: 'lots' } })
    const badCursor = await get(`/api/session/${s.a2.id}/message?before=not-a-cursor`)
    expect(badCursor.status).toBe(400)
    expect(badCursor.body).toEqual({ _tag: 'BadRequest' })
    expect(badCursor.headers['x-opencode-studio-error-code']).toBe('invalid_query')
  })

  it("answers OpenCode's own list parameters with OpenCode's answer, byte for byte", async () => {
    if (storage !== 'sqlite') return // OpenCode 1.1.65 lists by creation, per project; Studio follows 1.18
    const since = s.b2.time.updated
    const cases = ['', '&roots=true', '&limit=1', '&limit=0', '&limit=abc', '&start=abc', `&start=${since}`, '&search=ROOT', '&scope=project']
    for (const dir of [A, B, C]) {
      for (const params of cases) {
        const own = await ocGet(oc, `/session?directory=${encodeURIComponent(dir)}${params}`)
        const ours = await get(`/api/session?directory=${encodeURIComponent(dir)}${params}`)
        expect([ours.status, ours.text], `${dir} ${params}`).toEqual([own.status, JSON.stringify(own.body)])
      }
    }
    // No directory: OpenCode's own (its GET /path), i.e. every session of that directory's project.
    const own = await ocGet(oc, '/session')
    const ours = await get('/api/session')
    expect(ours.text).toBe(JSON.stringify(own.body))
    expect(ids(ours.body)).toContain(s.b1.id)
    expect(ids(ours.body)).not.toContain(s.a1.id) // A is a git project of its own
  })

  it('picks the entry shape with fields=full|compact, and refuses relative directories', async () => {
    const compact = await list(B, '&fields=compact')
    expect(compact.find((x: OcSession) => x.id === s.b2.id)).toEqual({ id: s.b2.id, title: 'B root', slug: s.b2.slug, directory: B, time: expect.any(Object) })
    const full = await list(B, '&roots=true&includeChildren=true&fields=full')
    const own = (await ocGet<OcSession>(oc, `/session/${s.a1.id}`, A)).body
    expect(full.find((x: OcSession) => x.id === s.a1.id)).toEqual(own)
    expect((await get('/api/session?fields=wide')).body.code).toBe('invalid_query')
    const relative = await get('/api/session?directory=A')
    expect(relative.status).toBe(400)
    expect(relative.body.code).toBe('directory_not_absolute')
  })

  it('lists a session created or deleted through OpenCode once Studio has relayed its event', async () => {
    // No stopwatch: the index applies OpenCode's event before relaying it, so the list right after the
    // relayed event must already agree (the storage safety net alone would lag by up to 2 s).
    const stream = await openSse(`${studio.url}/api/global/event`)
    const about = (type: string, id: string) => (e: { json?: any; data: string }) => e.json?.payload?.type === type && e.data.includes(id)
    try {
      const created = await createSession(oc, B, { title: 'Fresh one' })
      await stream.waitFor(about('session.created', created.id), 'session.created relayed')
      expect(ids(await list(B))).toContain(created.id)
      await deleteSession(oc, B, created.id)
      await stream.waitFor(about('session.deleted', created.id), 'session.deleted relayed')
      expect(ids(await list(B))).not.toContain(created.id)
    } finally {
      stream.close()
    }
  })

  it('lists a session created through Studio at once, and forgets one deleted through Studio at once', async () => {
    // read-your-writes: the index takes OpenCode's answer, not only its later event or storage look
    for (let i = 0; i < 3; i++) {
      const made = await callJson(`${studio.url}/api/session?directory=${encodeURIComponent(B)}`, { method: 'POST', body: { title: `at once ${i}` } })
      expect(made.status).toBe(200)
      expect(ids(await list(B))).toContain(made.body.id)
      const gone = await callJson(`${studio.url}/api/session/${made.body.id}?directory=${encodeURIComponent(B)}`, { method: 'DELETE' })
      expect([gone.status, gone.body]).toEqual([200, true])
      expect(ids(await list(B))).not.toContain(made.body.id)
    }
  })

  it('keeps answering from storage while OpenCode is down', async () => {
    await oc.stop()
    const tree = await list(C, '&roots=true&includeChildren=true')
    expect(ids(tree)).toEqual([s.a1.id, s.a3.id, s.b1.id, s.c1.id])
    expect((await get(`/api/session/${s.b1.id}`)).body.title).toBe('Child in B')
    expect(ids((await get(`/api/session/${s.a1.id}/children`)).body)).toHaveLength(2)
    expect((await get(`/api/session/${s.a2.id}/message`)).body).toHaveLength(4)
    expect(ids((await get('/api/session')).body)).toContain(s.b1.id) // OpenCode's directory is remembered
    // an unknown session is storage's word now: OpenCode's 404 body, Studio's code in a header
    const missing = await get('/api/session/ses_doesnotexist00000000000000')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ name: 'NotFoundError', data: { message: 'Session not found: ses_doesnotexist00000000000000' } })
    expect(missing.headers['x-opencode-studio-error-code']).toBe('session_not_found')
    const status = await get('/api/session/status')
    expect(status.status).toBe(200) // answered from Studio's status index
    expect(status.headers['x-opencode-studio-source']).toBe('local-cache')
  })
})
