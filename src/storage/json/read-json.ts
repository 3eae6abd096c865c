// Reads OpenCode's legacy JSON files while OpenCode may be rewriting them. Parsed files are cached by
// mtime and size; a read that finds a truncated or empty file (a rewrite in progress) serves the last good
// copy when there is one, else retries briefly (rust-studio-behaviour.md §8.1).

import { readFile, stat } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

export type JsonRead =
  | { ok: true; value: unknown; stale: boolean }
  | { ok: false; kind: 'missing' | 'transient' | 'parse' | 'io'; message: string }

/** Pauses before re-reading a file that looked half-written. */
const TRANSIENT_RETRY_MS = [8, 24]

interface Entry {
  mtimeMs: number
  size: number
  value: unknown
}

export interface JsonFileCache {
  read(path: string): Promise<JsonRead>
  forget(path: string): void
  readonly size: number
}

export function createJsonFileCache(maxEntries: number): JsonFileCache {
  const cache = new Map<string, Entry>()

  const remember = (path: string, entry: Entry) => {
    cache.delete(path)
    cache.set(path, entry)
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value!)
  }

  async function readOnce(path: string): Promise<JsonRead> {
    let info
    try {
      info = await stat(path)
    } catch (err) {
      return ioFailure(err)
    }
    const cached = cache.get(path)
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
      remember(path, cached)
      return { ok: true, value: cached.value, stale: false }
    }
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      return ioFailure(err)
    }
    if (text.trim() === '') return { ok: false, kind: 'transient', message: 'file is empty (being rewritten?)' }
    try {
      const value: unknown = JSON.parse(text)
      remember(path, { mtimeMs: info.mtimeMs, size: info.size, value })
      return { ok: true, value, stale: false }
    } catch (err) {
      const message = (err as Error).message
      return { ok: false, kind: isTruncation(message, text) ? 'transient' : 'parse', message }
    }
  }

  return {
    async read(path) {
      for (let attempt = 0; ; attempt++) {
        const result = await readOnce(path)
        if (result.ok) return result
        if (result.kind !== 'transient') return result
        const cached = cache.get(path)
        if (cached) return { ok: true, value: cached.value, stale: true }
        const pause = TRANSIENT_RETRY_MS[attempt]
        if (pause === undefined) return result
        await sleep(pause)
      }
    },
    forget(path) {
      cache.delete(path)
    },
    get size() {
      return cache.size
    },
  }
}

/** A cut-off file fails at its very end; an error anywhere before that means the file is malformed. */
export function isTruncation(message: string, text: string): boolean {
  if (/unexpected end of (json )?input/i.test(message)) return true
  const position = /at position (\d+)/.exec(message)?.[1]
  return position !== undefined && Number(position) >= text.trimEnd().length
}

function ioFailure(err: unknown): JsonRead {
  const e = err as NodeJS.ErrnoException
  return { ok: false, kind: e.code === 'ENOENT' ? 'missing' : 'io', message: e.message }
}
