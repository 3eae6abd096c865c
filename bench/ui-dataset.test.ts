// The UI dataset has the shape the benchmark promises (proportions, cross-directory children, message
// order), checked on a small instance of it in a database with OpenCode's recorded schema.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createRecordedDb } from '../test/support/schema.js'
import { seedUiDataset, UI_DATASET } from './ui-dataset.js'

const dir = mkdtempSync(join(tmpdir(), 'ocs-ui-dataset-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('seedUiDataset', () => {
  const db = createRecordedDb(join(dir, 'opencode.db'))
  const shape = { ...UI_DATASET, sessions: 500, directories: 20, messages: 200, images: 4, imageBytes: 30_000, bigOutputBytes: 10_000 }
  const seeded = seedUiDataset(db, '/ws', shape, 1_800_000_000_000)

  it('spreads sessions over the directories, a fifth of them children (never the long session), many across directories', () => {
    const rows = db.prepare('SELECT id, parent_id, directory FROM session').all() as { id: string; parent_id: string | null; directory: string }[]
    expect(rows).toHaveLength(500)
    expect(new Set(rows.map((r) => r.directory)).size).toBe(20)
    const byId = new Map(rows.map((r) => [r.id, r]))
    const children = rows.filter((r) => r.parent_id !== null)
    expect(children).toHaveLength(99) // every fifth, except the long session (the last), a root
    expect(children.some((c) => c.id === seeded.longSession.id)).toBe(false)
    expect(children.every((c) => byId.has(c.parent_id!))).toBe(true)
    expect(children.filter((c) => byId.get(c.parent_id!)!.directory !== c.directory).length).toBeGreaterThan(50)
  })

  it('keeps every time consistent: updated after created, the long session newest, its messages inside its life', () => {
    expect(db.prepare('SELECT count(*) FROM session WHERE time_updated < time_created').pluck().get()).toBe(0)
    const long = db.prepare('SELECT time_created, time_updated FROM session WHERE id = ?').get(seeded.longSession.id) as { time_created: number; time_updated: number }
    expect(db.prepare('SELECT max(time_created) FROM session').pluck().get()).toBe(long.time_created)
    const span = db.prepare('SELECT min(time_created) AS lo, max(time_created) AS hi FROM message').get() as { lo: number; hi: number }
    expect(span.lo).toBeGreaterThan(long.time_created)
    expect(span.hi).toBeLessThanOrEqual(long.time_updated)
  })

  it('gives session ids that sort newest first, as OpenCode does', () => {
    const ids = seeded.sessionIds
    expect([...ids].sort()).toEqual([...ids].reverse())
  })

  it('fills the long session with the promised share of tool parts, big outputs and images, oldest id first', () => {
    const { id, messageIds } = seeded.longSession
    expect(messageIds).toHaveLength(200)
    expect([...messageIds].sort()).toEqual(messageIds)
    const parts = (db.prepare('SELECT data FROM part WHERE session_id = ?').pluck().all(id) as string[]).map((d) => JSON.parse(d))
    const tools = parts.filter((p) => p.type === 'tool')
    expect(tools).toHaveLength(80)
    expect(tools.filter((p) => p.state.output.length === 10_000)).toHaveLength(10)
    const images = parts.filter((p) => p.type === 'file')
    expect(images).toHaveLength(4)
    expect(images[0].url.startsWith('data:image/png;base64,iVBORw0KGgo')).toBe(true)
    const roles = (db.prepare('SELECT data FROM message WHERE session_id = ? ORDER BY time_created, id').pluck().all(id) as string[]).map((d) => JSON.parse(d).role)
    expect(roles.slice(0, 4)).toEqual(['user', 'assistant', 'user', 'assistant'])
  })
})
