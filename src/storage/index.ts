// OpenCode's storage, read only, behind one interface whichever layout is on disk.

import { createJsonReader } from './json/reader.js'
import { createSqliteReader } from './sqlite/reader.js'
import { detectStorage, type Detected } from './detect.js'
import type { StorageReader } from './types.js'

export { summaryFromInfo } from './session-info.js'
export { detectStorage, type Detected } from './detect.js'
export type { Consistency } from './consistency.js'
export type {
  ChangeSet,
  KnownSessions,
  MessagePage,
  MessagePageRequest,
  MessageWithParts,
  PartBytes,
  ReadResult,
  SessionInfo,
  SessionQueries,
  SessionSummary,
  StorageKind,
  StorageReader,
} from './types.js'

export interface Storage {
  /** The reader for the layout found at the last detection, or null when there is none yet. */
  reader(): StorageReader | null
  /**
   * Looks at the data dir again (cheap). Returns true when the layout changed, e.g. OpenCode created its
   * database on first start or migrated legacy JSON into SQLite; the caller then reloads everything.
   */
  redetect(): boolean
  describe(): Detected
  close(): void
}

export function createStorage(dataDir: string): Storage {
  let detected = detectStorage(dataDir)
  let current = open(detected)

  function open(d: Detected): StorageReader | null {
    if (d.kind === 'sqlite') return createSqliteReader(d.location)
    if (d.kind === 'json') return createJsonReader(dataDir)
    return null
  }

  return {
    reader: () => current,
    redetect() {
      const next = detectStorage(dataDir)
      if (next.kind === detected.kind && next.location === detected.location) return false
      current?.close()
      detected = next
      current = open(next)
      return true
    },
    describe: () => detected,
    close() {
      current?.close()
      current = null
    },
  }
}
