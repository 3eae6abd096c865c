// Studio's own database, studio.db under the data dir: the attachment index, persisted counters, and the
// uploads in flight (so a crash leaves nothing a restart cannot find and clean). Unlike OpenCode's
// database, this one Studio owns and writes.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

export type StudioDb = Database.Database

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE attachment_blob (
     digest TEXT PRIMARY KEY,          -- SHA-256 of the raw bytes, lower-case hex
     raw_bytes INTEGER NOT NULL,
     b64_bytes INTEGER NOT NULL,       -- size of the blob file (the base64 text a data URL needs)
     created_at INTEGER NOT NULL,
     last_accessed_at INTEGER NOT NULL
   );
   CREATE INDEX attachment_blob_lru ON attachment_blob (last_accessed_at);
   CREATE TABLE attachment_source (
     real_path TEXT NOT NULL,          -- the file, symlinks resolved
     size INTEGER NOT NULL,
     mtime_ns INTEGER NOT NULL,
     mime TEXT NOT NULL,
     digest TEXT NOT NULL REFERENCES attachment_blob (digest) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     last_accessed_at INTEGER NOT NULL,
     hit_count INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (real_path, size, mtime_ns, mime)
   );
   CREATE INDEX attachment_source_digest ON attachment_source (digest);
   CREATE TABLE attachment_metric (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
   CREATE TABLE upload_in_flight (temp_path TEXT PRIMARY KEY, started_at INTEGER NOT NULL);`,
]

export function openStudioDb(dataDir: string): StudioDb {
  mkdirSync(dataDir, { recursive: true })
  const db = new Database(join(dataDir, 'studio.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 2000')
  // Many tiny commits (counters, uploads in flight): checkpoint every 1 MiB of log and cut the log back
  // to that size afterwards. SQLite's defaults let it grow to 4 MiB and keep it, which a small data dir
  // (or one that filled up) cannot spare.
  db.pragma('wal_autocheckpoint = 256')
  db.pragma('journal_size_limit = 1048576')
  const version = db.pragma('user_version', { simple: true }) as number
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!)
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
  return db
}
