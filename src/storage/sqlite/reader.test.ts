import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRecordedDb } from '../../../test/support/schema.js'
import type { KnownSessions, SessionSummary, StorageReader } from '../types.js'
import { createSqliteReader } from './reader.js'

let dir: string
let writer: Database.Database
let reader: StorageReader

/** A database with OpenCode 1.18.33's recorded schema, written the way OpenCode writes it (WAL). */
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocs-sqlite-'))
  writer = createRecordedDb(join(dir, 'opencode.db'))
  reader = createSqliteReader(join(dir, 'opencode.db'))
})

afterEach(() => {
  reader.close()
  writer.close()
  rmSync(dir, { recursive: true, force: true })
})

function addSession(id: string, over: Record<string, unknown> = {}): void {
  const row = {
    id,
    project_id: 'global',
    parent_id: null,
    slug: `slug-${id}`,
    directory: '/w',
    path: 'w',
    title: `Title ${id}`,
    version: '1.18.33',
    time_created: 1000,
    time_updated: 1000,
    ...over,
  }
  const cols = Object.keys(row)
  writer.prepare(`INSERT INTO session (${cols.join(',')}) VALUES (${cols.map((c) => `@${c}`).join(',')})`).run(row)
}

function known(sessions: SessionSummary[]): KnownSessions {
  const map = new Map(sessions.map((s) => [s.id, s]))
  return { size: map.size, has: (id) => map.has(id), ids: () => map.keys(), get: (id) => map.get(id) }
}

async function loadAll(): Promise<SessionSummary[]> {
  const out: SessionSummary[] = []
  const result = await reader.loadSessions((rows) => out.push(...rows))
  expect(result.ok).toBe(true)
  return out
}

describe('loading and change detection', () => {
  it('loads every session in chunks', async () => {
    const insert = writer.transaction(() => {
      for (let i = 0; i < 4500; i++) addSession(`ses_${String(i).padStart(5, '0')}`)
    })
    insert()
    let chunks = 0
    const all: SessionSummary[] = []
    await reader.loadSessions((rows) => {
      chunks++
      all.push(...rows)
    })
    expect(all).toHaveLength(4500)
    expect(chunks).toBe(3)
    expect(all[0]).toEqual({
      id: 'ses_00000',
      projectID: 'global',
      directory: '/w',
      parentID: null,
      title: 'Title ses_00000',
      slug: 'slug-ses_00000',
      timeCreated: 1000,
      timeUpdated: 1000,
      shareUrl: null,
      revert: null,
    })
  })

  it('reports nothing until another connection commits, then exactly what changed', async () => {
    addSession('ses_a')
    addSession('ses_b')
    const loaded = await loadAll()
    expect(await reader.changes(known(loaded))).toEqual({ ok: true, value: null, consistency: null })

    addSession('ses_c', { parent_id: 'ses_a', time_updated: 2000 })
    writer.prepare("UPDATE session SET title = 'renamed', time_updated = 2001 WHERE id = 'ses_b'").run()
    const first = await reader.changes(known(loaded))
    expect(first.ok && first.value?.upserted.map((s) => [s.id, s.title, s.parentID])).toEqual([
      ['ses_b', 'renamed', null],
      ['ses_c', 'Title ses_c', 'ses_a'],
    ])
    expect(first.ok && first.value?.removed).toEqual([])

    const now = first.ok && first.value ? [...loaded.filter((s) => s.id !== 'ses_b'), ...first.value.upserted] : []
    writer.prepare("DELETE FROM session WHERE id = 'ses_a'").run()
    const second = await reader.changes(known(now))
    expect(second.ok && second.value).toEqual({ upserted: [], removed: ['ses_a'] })
  })
})

describe('single sessions', () => {
  it("maps every column the way OpenCode's API shows it", async () => {
    addSession('ses_full', {
      workspace_id: 'wrk_1',
      parent_id: 'ses_parent',
      share_url: 'https://share/x',
      summary_additions: 3,
      summary_deletions: 1,
      summary_files: 2,
      summary_diffs: '[{"file":"a.ts"}]',
      metadata: '{"k":1}',
      cost: 0.5,
      tokens_input: 10,
      tokens_output: 20,
      tokens_reasoning: 1,
      tokens_cache_read: 2,
      tokens_cache_write: 3,
      revert: '{"messageID":"msg_1"}',
      permission: '[{"permission":"task","pattern":"*","action":"deny"}]',
      agent: 'general',
      model: '{"id":"m","providerID":"p","variant":"default"}',
      time_compacting: 1500,
      time_archived: 1600,
    })
    const read = await reader.getSession('ses_full')
    expect(read.ok && read.value).toEqual({
      id: 'ses_full',
      slug: 'slug-ses_full',
      projectID: 'global',
      workspaceID: 'wrk_1',
      directory: '/w',
      path: 'w',
      parentID: 'ses_parent',
      summary: { additions: 3, deletions: 1, files: 2, diffs: [{ file: 'a.ts' }] },
      share: { url: 'https://share/x' },
      cost: 0.5,
      tokens: { input: 10, output: 20, reasoning: 1, cache: { read: 2, write: 3 } },
      title: 'Title ses_full',
      agent: 'general',
      model: { id: 'm', providerID: 'p', variant: 'default' },
      version: '1.18.33',
      time: { created: 1000, updated: 1000, compacting: 1500, archived: 1600 },
      permission: [{ permission: 'task', pattern: '*', action: 'deny' }],
      revert: { messageID: 'msg_1' },
      metadata: { k: 1 },
    })
    expect(await reader.getSession('ses_none')).toEqual({ ok: true, value: null, consistency: null })
  })

  it('reads many by id, beyond one IN-list chunk', async () => {
    writer.transaction(() => {
      for (let i = 0; i < 1200; i++) addSession(`ses_${i}`)
    })()
    const read = await reader.getSessions(Array.from({ length: 1200 }, (_, i) => `ses_${i}`))
    expect(read.ok && read.value.length).toBe(1200)
  })
})

describe('messages', () => {
  beforeEach(() => {
    addSession('ses_m')
    const message = writer.prepare('INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)')
    const part = writer.prepare('INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)')
    for (let i = 1; i <= 5; i++) {
      message.run(`msg_${i}`, 'ses_m', i * 10, i * 10, JSON.stringify({ role: i % 2 ? 'user' : 'assistant', time: { created: i * 10 } }))
      part.run(`prt_${i}b`, `msg_${i}`, 'ses_m', i, i, JSON.stringify({ type: 'text', text: `second of ${i}` }))
      part.run(`prt_${i}a`, `msg_${i}`, 'ses_m', i, i, JSON.stringify({ type: 'text', text: `first of ${i}` }))
    }
  })

  const page = (
    over: Partial<{ offset: number; limit: number | null; before: { id: string; time: number } | null; includeTotal: boolean; elide: { overBytes: number; keepChars: number } }> = {},
  ) =>
    reader.messages('ses_m', { offset: 0, limit: null, before: null, includeTotal: false, ...over })

  it('returns all messages oldest first, each with its parts in id order and all ids stamped', async () => {
    const read = await page()
    if (!read.ok) throw new Error(read.reason)
    expect(read.value.entries.map((m) => m.info.id)).toEqual(['msg_1', 'msg_2', 'msg_3', 'msg_4', 'msg_5'])
    expect(read.value.entries[0]).toEqual({
      info: { role: 'user', time: { created: 10 }, id: 'msg_1', sessionID: 'ses_m' },
      parts: [
        { type: 'text', text: 'first of 1', id: 'prt_1a', sessionID: 'ses_m', messageID: 'msg_1' },
        { type: 'text', text: 'second of 1', id: 'prt_1b', sessionID: 'ses_m', messageID: 'msg_1' },
      ],
    })
    expect(read.value.hasOlder).toBe(false)
  })

  it('pages from the newest, by offset or by cursor', async () => {
    const newest = await page({ limit: 2, includeTotal: true })
    expect(newest.ok && newest.value.entries.map((m) => m.info.id)).toEqual(['msg_4', 'msg_5'])
    expect(newest.ok && [newest.value.total, newest.value.hasOlder]).toEqual([5, true])
    const skipped = await page({ limit: 2, offset: 2 })
    expect(skipped.ok && skipped.value.entries.map((m) => m.info.id)).toEqual(['msg_2', 'msg_3'])
    const before = await page({ limit: 10, before: { id: 'msg_3', time: 30 } })
    expect(before.ok && before.value.entries.map((m) => m.info.id)).toEqual(['msg_1', 'msg_2'])
    expect(before.ok && before.value.hasOlder).toBe(false)
  })

  it('reuses a pruned page until OpenCode commits, then reads the change', async () => {
    const elide = { overBytes: 64, keepChars: 16 }
    const pruned = () => page({ limit: 2, includeTotal: true, elide })
    const first = await pruned()
    const again = await pruned()
    if (!first.ok || !again.ok) throw new Error('read failed')
    expect(again.value).toBe(first.value) // the same page, not read again
    expect(first.value.entries.map((m) => m.info.id)).toEqual(['msg_4', 'msg_5'])
    writer.prepare("UPDATE part SET data = ? WHERE id = 'prt_5a'").run(JSON.stringify({ type: 'text', text: 'edited' }))
    const later = await pruned()
    if (!later.ok) throw new Error(later.reason)
    expect(later.value).not.toBe(first.value)
    expect(later.value.entries[1]!.parts[0]).toMatchObject({ id: 'prt_5a', text: 'edited' })
  })

  it('does not keep a page that skipped a row', async () => {
    writer.prepare("UPDATE message SET data = '{broken' WHERE id = 'msg_5'").run()
    const elide = { overBytes: 64, keepChars: 16 }
    const first = await page({ limit: 2, elide })
    const again = await page({ limit: 2, elide })
    expect(first.consistency).toEqual({ degraded: true, parseSkips: 1 })
    expect(again.consistency).toEqual({ degraded: true, parseSkips: 1 })
    expect(again.ok && first.ok && again.value !== first.value).toBe(true)
  })

  it('skips an unreadable message row and reports it', async () => {
    writer.prepare("UPDATE message SET data = '{broken' WHERE id = 'msg_3'").run()
    const read = await page()
    expect(read.ok && read.value.entries.map((m) => m.info.id)).toEqual(['msg_1', 'msg_2', 'msg_4', 'msg_5'])
    expect(read.consistency).toEqual({ degraded: true, parseSkips: 1 })
  })
})
