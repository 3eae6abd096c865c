// The cold path must give exactly the page the index gives, on a database built from OpenCode's
// recorded schema with a forest of sessions spread over directories.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRecordedDb } from '../../test/support/schema.js'
import { createStorage, type Storage, type StorageReader } from '../storage/index.js'
import { coldListPage } from './cold-path.js'
import { createSessionStore, type SessionStore } from './store.js'
import { listPage, listQuery, type ListQuery } from './tree-page.js'

let dir: string
let storage: Storage
let reader: StorageReader
let store: SessionStore
const DIRS = ['/w/a', '/w/b', '/w/c', '/w/d']

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ocs-cold-'))
  const db = createRecordedDb(join(dir, 'opencode.db'))
  const insert = db.prepare(
    `INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated)
     VALUES (?, ?, ?, ?, ?, ?, '1.18.33', ?, ?)`,
  )
  // A deterministic forest: every 3rd session is a child of an earlier one, often in another directory.
  let seed = 7
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 8 // drop the weak low bits
  db.transaction(() => {
    for (let i = 0; i < 400; i++) {
      const parent = i > 0 && i % 3 === 0 ? `ses_${String(next() % i).padStart(4, '0')}` : null
      const directory = DIRS[next() % DIRS.length]!
      insert.run(`ses_${String(i).padStart(4, '0')}`, directory === '/w/d' ? 'proj-d' : 'global', parent, `slug-${i}`, directory, `Title ${i % 17}`, i, next() % 1000)
    }
  })()
  db.close()
  storage = createStorage(dir)
  reader = storage.reader()!
  expect(reader.kind).toBe('sqlite')
  store = createSessionStore()
  await reader.loadSessions((rows) => rows.forEach((s) => store.upsert(s)))
})

afterAll(() => {
  storage.close()
  rmSync(dir, { recursive: true, force: true })
})

const base = listQuery({ kind: 'directory', key: '/w/a' })

const cases: [string, Partial<ListQuery>][] = [
  ['flat', {}],
  ['flat page', { offset: 5, limit: 10 }],
  ['roots', { roots: true }],
  ['tree', { roots: true, includeChildren: true }],
  ['tree page 2', { roots: true, includeChildren: true, limit: 7, offset: 7 }],
  ['tree in b with focus on a deep child', { scope: { kind: 'directory', key: '/w/b' }, roots: true, includeChildren: true, limit: 5, focusSessionId: 'ses_0399' }],
  ['tree in c, searched', { scope: { kind: 'directory', key: '/w/c' }, roots: true, includeChildren: true, search: 'title 3' }],
  ['project scope tree', { scope: { kind: 'project', projectID: 'proj-d' }, roots: true, includeChildren: true }],
  ['ids mode tree', { ids: ['ses_0399', 'ses_0012', 'ses_0201'], roots: true, includeChildren: true }],
  ['start filter', { start: 500, roots: true }],
]

describe('cold path', () => {
  it.each(cases)('%s: the same page as the index', async (_name, over) => {
    const query = { ...base, ...over }
    const cold = await coldListPage(reader.query!, query)
    if (!cold.ok) throw new Error(cold.reason)
    const warm = listPage(store, query)
    expect(cold.value.sessions.map((s) => s.id)).toEqual(warm.sessions.map((s) => s.id))
    expect({ ...cold.value, sessions: [] }).toEqual({ ...warm, sessions: [] })
    expect(warm.sessions.length).toBeGreaterThan(0)
  })
})
