// The schema of OpenCode's SQLite tables Studio reads, recorded from the real opencode 1.18.33
// (test/fixtures/opencode-1.18.33/schema.sql). Unit tests and benchmarks build databases from it; the
// session-trees integration test checks it still matches what the real OpenCode creates.

import { readFileSync } from 'node:fs'
import Database from 'better-sqlite3'

export const READ_TABLES = ['session', 'message', 'part'] as const

export const RECORDED_SCHEMA = readFileSync(new URL('../fixtures/opencode-1.18.33/schema.sql', import.meta.url), 'utf8')

/** A database with OpenCode's recorded schema, written the way OpenCode writes it (WAL). */
export function createRecordedDb(path: string): Database.Database {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = OFF') // the recorded schema omits the project table the keys point at
  db.exec(RECORDED_SCHEMA)
  return db
}

/** CREATE statements of the tables Studio reads and their indexes, normalised, in a stable order. */
export function schemaOf(db: Database.Database): string {
  const rows = db
    .prepare(
      `SELECT sql FROM sqlite_master
       WHERE sql IS NOT NULL AND tbl_name IN (${READ_TABLES.map(() => '?').join(',')})
       ORDER BY type DESC, name`,
    )
    .pluck()
    .all(...READ_TABLES) as string[]
  return rows.map((sql) => `${sql.replace(/\s+/g, ' ').trim()};`).join('\n') + '\n'
}
