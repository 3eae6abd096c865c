// Where OpenCode 1.1 and earlier kept things under `<data dir>/storage/` (opencode-reference.md, intro):
//   session/<projectID>/<sessionID>.json   message/<sessionID>/<messageID>.json   part/<messageID>/<partID>.json
// Older builds used plural folder names (sessions/, messages/, message-parts/); both are read.

import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface JsonLayout {
  storageDir: string
  /** Every folder holding `<projectID>/<sessionID>.json`. */
  sessionRoots: string[]
  messageRoot: string
  partRoot: string
}

export function jsonLayout(dataDir: string): JsonLayout {
  const storageDir = join(dataDir, 'storage')
  const at = (name: string) => join(storageDir, name)
  return {
    storageDir,
    sessionRoots: ['session', 'sessions'].map(at).filter((p) => existsSync(p)),
    messageRoot: pickRoot(at('message'), at('messages')),
    partRoot: pickRoot(at('part'), at('message-parts')),
  }
}

/** True when legacy session storage exists under the data dir. */
export function hasJsonStorage(dataDir: string): boolean {
  return jsonLayout(dataDir).sessionRoots.length > 0
}

/** The current name wins unless only the other one has content. */
function pickRoot(current: string, other: string): string {
  if (hasEntries(current) || !hasEntries(other)) return current
  return other
}

function hasEntries(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && readdirSync(dir).length > 0
  } catch {
    return false
  }
}

export const JSON_SUFFIX = '.json'

/** `ses_x.json` → `ses_x`; null for anything that is not a JSON file. */
export function stemOf(file: string): string | null {
  return file.endsWith(JSON_SUFFIX) && !file.startsWith('.') ? file.slice(0, -JSON_SUFFIX.length) : null
}
