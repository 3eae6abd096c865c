// One comparison key per directory, so `/a/b/`, `/a/b` and `/a/x/../b` match the same sessions, and
// Windows spellings (`C:\Repo`, `c:/repo`, URL-encoded forms) match each other. Unix paths keep their
// case (rust-studio-behaviour.md §0.3, plus `.`/`..` resolution, which OpenCode itself applies).

import { posix } from 'node:path'

const DRIVE_RE = /^[a-zA-Z]:/

export function directoryKey(input: string, home?: string): string {
  let p = input.trim()
  if (p.includes('%')) {
    try {
      p = decodeURIComponent(p).trim()
    } catch {
      // keep it as given
    }
  }
  if (home && (p === '~' || p.startsWith('~/') || p.startsWith('~\\'))) p = home + p.slice(1)
  p = p.replace(/\\/g, '/')
  if (DRIVE_RE.test(p)) return stripTrailingSlash(posix.normalize(p)).toLowerCase()
  if (p.startsWith('/')) return stripTrailingSlash(posix.normalize(p))
  return stripTrailingSlash(p)
}

function stripTrailingSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') && !/^[a-zA-Z]:\/$/.test(p) ? p.replace(/\/+$/, '') || '/' : p
}
