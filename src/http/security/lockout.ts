// Login throttling per client address: 8 failed attempts within 10 minutes lock that address out for
// 15 minutes. Kept in a small JSON file in Studio's data dir, written atomically and awaited before the
// failure is answered, so neither a restart nor a crash gives an attacker fresh attempts.

import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { commitTemp, removeQuietly, tempPathFor } from '../../lib/fs-atomic.js'
import { isRecord } from '../../lib/is-record.js'
import type { Logger } from '../../lib/log.js'

export const LOCKOUT_POLICY = { maxFailures: 8, windowMs: 10 * 60_000, lockMs: 15 * 60_000 } as const
/** Addresses remembered at most: a flood of distinct addresses cannot grow the file without bound. */
const MAX_ADDRESSES = 10_000

interface Entry {
  /** Times of recent failures, oldest first, within the window. */
  failures: number[]
  lockedUntil: number
}

export type LockState = { locked: false } | { locked: true; retryAfterMs: number }

export interface Lockout {
  check(address: string): LockState
  /** Records a failed attempt (persisted before it resolves); says whether the address is now locked. */
  fail(address: string): Promise<LockState>
  succeed(address: string): Promise<void>
}

export function createLockout(options: { file: string; now: () => number; log: Logger }): Lockout {
  const { file, now, log } = options
  const entries = load(file, log)
  let writing: Promise<void> = Promise.resolve()

  const prune = (at: number) => {
    for (const [address, e] of entries) {
      e.failures = e.failures.filter((t) => at - t < LOCKOUT_POLICY.windowMs)
      if (e.failures.length === 0 && e.lockedUntil <= at) entries.delete(address)
    }
    // still too many: forget the addresses seen least recently (Map keeps insertion order)
    for (const address of entries.keys()) {
      if (entries.size <= MAX_ADDRESSES) break
      entries.delete(address)
    }
  }

  const persist = () => {
    const snapshot = JSON.stringify(Object.fromEntries(entries))
    writing = writing.then(async () => {
      const temp = tempPathFor(file)
      try {
        await mkdir(dirname(file), { recursive: true })
        await writeFile(temp, snapshot)
        await commitTemp(temp, file, true)
      } catch (err) {
        await removeQuietly(temp)
        log.error({ err, file }, 'could not persist login lockout state')
      }
    })
    return writing
  }

  const state = (address: string, at: number): LockState => {
    const e = entries.get(address)
    return e && e.lockedUntil > at ? { locked: true, retryAfterMs: e.lockedUntil - at } : { locked: false }
  }

  return {
    check: (address) => state(address, now()),
    async fail(address) {
      const at = now()
      prune(at)
      const e = entries.get(address) ?? { failures: [], lockedUntil: 0 }
      entries.delete(address)
      entries.set(address, e) // most recent last
      e.failures.push(at)
      if (e.failures.length >= LOCKOUT_POLICY.maxFailures) {
        e.lockedUntil = at + LOCKOUT_POLICY.lockMs
        e.failures = []
        log.warn({ address, lockedForMs: LOCKOUT_POLICY.lockMs }, 'login locked after repeated failures')
      }
      await persist()
      return state(address, at)
    },
    async succeed(address) {
      if (!entries.delete(address)) return
      await persist()
    },
  }
}

function load(file: string, log: Logger): Map<string, Entry> {
  const out = new Map<string, Entry>()
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err, file }, 'login lockout state unreadable; starting empty')
    return out
  }
  if (!isRecord(data)) return out
  for (const [address, raw] of Object.entries(data)) {
    if (!isRecord(raw) || !Array.isArray(raw.failures) || typeof raw.lockedUntil !== 'number') continue
    out.set(address, { failures: raw.failures.filter((t): t is number => typeof t === 'number'), lockedUntil: raw.lockedUntil })
  }
  return out
}
