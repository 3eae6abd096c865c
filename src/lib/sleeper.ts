// A sleep that can be woken early (to act on news now) or cancelled for good (on shutdown).
// Supervisor loops use it so that close() never waits out a backoff.

export interface Sleeper {
  /** Resolves after `ms`, or at once when woken or cancelled. */
  sleep(ms: number): Promise<void>
  wake(): void
  cancel(): void
}

export function createSleeper(): Sleeper {
  let cancelled = false
  const pending = new Set<() => void>()
  const release = () => {
    for (const done of pending) done()
    pending.clear()
  }
  return {
    sleep(ms) {
      if (cancelled || ms <= 0) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          pending.delete(done)
          resolve()
        }
        const timer = setTimeout(done, ms)
        pending.add(done)
      })
    },
    wake: release,
    cancel() {
      cancelled = true
      release()
    },
  }
}
