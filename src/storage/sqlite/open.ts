// Opens OpenCode's opencode.db strictly for reading. OpenCode writes it (WAL mode); Studio must never
// write or hold a write lock (an external write lock makes OpenCode's next prompt fail after its 5 s busy
// timeout, opencode-reference.md §7.1), and, because better-sqlite3 is synchronous, must never let a
// query wait long on a lock inside the event loop.

import Database from 'better-sqlite3'

/** Longest a single statement may block the event loop waiting on a lock; retries happen async (retry.ts). */
const BUSY_TIMEOUT_MS = 5

export type Db = Database.Database

export function openReadOnly(path: string): Db {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS })
  db.pragma('query_only = ON')
  // A modest page cache: the index keeps summaries in memory, the DB is read for deltas and messages.
  db.pragma('cache_size = -16000')
  return db
}

/** True when the file is an SQLite database with OpenCode's `session` table. */
export function hasSessionTable(path: string): boolean {
  let db: Db | null = null
  try {
    db = openReadOnly(path)
    return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'session'").get() !== undefined
  } catch {
    return false
  } finally {
    db?.close()
  }
}
