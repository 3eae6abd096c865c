// Which storage layout OpenCode's data dir holds: SQLite (OpenCode 1.2+) when opencode.db exists and has
// a session table, else legacy JSON (1.1 and earlier), else nothing yet (a fresh machine: OpenCode creates
// its database on first start, so detection is repeated until something appears).

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { hasJsonStorage } from './json/layout.js'
import { hasSessionTable } from './sqlite/open.js'
import type { StorageKind } from './types.js'

export interface Detected {
  kind: StorageKind | 'none'
  location: string
}

function sqlitePath(dataDir: string): string {
  return join(dataDir, 'opencode.db')
}

export function detectStorage(dataDir: string): Detected {
  const db = sqlitePath(dataDir)
  if (existsSync(db) && hasSessionTable(db)) return { kind: 'sqlite', location: db }
  if (hasJsonStorage(dataDir)) return { kind: 'json', location: join(dataDir, 'storage') }
  return { kind: 'none', location: dataDir }
}
