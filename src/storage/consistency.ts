// What a storage answer skipped or substituted, so clients can tell a complete answer from a degraded one
// (the Rust Studio's consistency object, rust-studio-behaviour.md §8.2).

export interface Consistency {
  degraded: true
  staleReads?: number
  transientSkips?: number
  parseSkips?: number
  ioSkips?: number
  retryAfterMs?: number
}

export type ConsistencyEvent = 'staleRead' | 'transientSkip' | 'parseSkip' | 'ioSkip'

/** How soon a client may retry a degraded answer (the Rust Studio's value). */
export const RETRY_AFTER_MS = 180

const COUNTER: Record<ConsistencyEvent, Exclude<keyof Consistency, 'degraded' | 'retryAfterMs'>> = {
  staleRead: 'staleReads',
  transientSkip: 'transientSkips',
  parseSkip: 'parseSkips',
  ioSkip: 'ioSkips',
}

/** Transient problems are worth a retry soon; parse errors are not. */
const RETRYABLE: ReadonlySet<ConsistencyEvent> = new Set(['transientSkip', 'ioSkip'])

export interface ConsistencyTracker {
  note(event: ConsistencyEvent): void
  /** The report, or null when nothing was skipped or substituted. */
  report(): Consistency | null
}

/** Collects consistency events while one answer is assembled. */
export function createConsistencyTracker(): ConsistencyTracker {
  const counts = new Map<ConsistencyEvent, number>()
  return {
    note(event) {
      counts.set(event, (counts.get(event) ?? 0) + 1)
    },
    report() {
      if (counts.size === 0) return null
      const out: Consistency = { degraded: true }
      let retry = false
      for (const [event, n] of counts) {
        out[COUNTER[event]] = n
        if (RETRYABLE.has(event)) retry = true
      }
      if (retry) out.retryAfterMs = RETRY_AFTER_MS
      return out
    },
  }
}
