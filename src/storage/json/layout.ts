// Where OpenCode 1.1 and earlier kept things under `<data dir>/storage/` (opencode-reference.md, intro):
//   session/<projectID>/<sessionID>.json   message/<sessionID>/<messageID>.json   part/<messageID>/<partID>.json
// Older builds used plural folder names (sessions/, messages/, message-parts/); both are read.

import { existsSync, opendirSync } from 'node:fs'
import { join } from 'node:path'

/** Where messages and their parts are: read per message page, so one entry of each folder is looked at. */
export function messageRoots(dataDir: string): { messageRoot: string; partRoot: string } {
  const at = (name: string) => join(dataDir, 'storage', name)
  return { messageRoot: pickRoot(at('message'), at('messages')), partRoot: pickRoot(at('part'), at('message-parts')) }
}

/** Every folder holding `<projectID>/<sessionID>.json`: two existence checks (this runs every tick). */
export function sessionRoots(dataDir: string): string[] {
  return ['session', 'sessions'].map((name) => join(dataDir, 'storage', name)).filter((p) => existsSync(p))
}

/** True when legacy session storage exists under the data dir. */
export function hasJsonStorage(dataDir: string): boolean {
  return sessionRoots(dataDir).length > 0
}

/** The current name wins unless only the other one has content. */
function pickRoot(current: string, other: string): string {
  if (hasEntries(current) || !hasEntries(other)) return current
  return other
}

/** Reads one entry, not the listing: message/ and part/ hold one folder per session or message. */
function hasEntries(dir: string): boolean {
  try {
    const handle = opendirSync(dir)
    try {
      return handle.readSync() !== null
    } finally {
      handle.closeSync()
    }
  } catch {
    return false
  }
}

const JSON_SUFFIX = '.json'

/** `ses_x.json` → `ses_x`; null for anything that is not a JSON file. */
export function stemOf(file: string): string | null {
  return file.endsWith(JSON_SUFFIX) && !file.startsWith('.') ? file.slice(0, -JSON_SUFFIX.length) : null
}
