// Lock contention handling for the synchronous SQLite driver: each attempt may block for at most the
// short busy timeout; on SQLITE_BUSY / SQLITE_LOCKED the event loop is released and the query retried
// with backoff, up to a bounded total, after which the caller gets "unavailable" instead of an exception.

import { setTimeout as sleep } from 'node:timers/promises'
import { backoffDelayMs } from '../../lib/backoff.js'

/** Give up after roughly this long (the sum of the delays). */
const RETRY_BUDGET_MS = 2000
const RETRY_BACKOFF = { baseMs: 10, maxMs: 400 }

export type Attempt<T> = { ok: true; value: T } | { ok: false; reason: string }

function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/** Runs `fn`, retrying on busy/locked errors; other errors end the attempt at once. */
export async function withRetry<T>(fn: () => T): Promise<Attempt<T>> {
  let waited = 0
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: fn() }
    } catch (err) {
      const busy = isBusyError(err)
      const reason = err instanceof Error ? err.message : String(err)
      if (!busy || waited >= RETRY_BUDGET_MS) return { ok: false, reason: busy ? `database is locked (gave up after ${waited} ms)` : reason }
      const delay = Math.min(backoffDelayMs(attempt, RETRY_BACKOFF), RETRY_BUDGET_MS - waited)
      waited += delay
      await sleep(delay)
    }
  }
}
