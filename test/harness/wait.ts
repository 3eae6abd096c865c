// Polling waits: tests never sleep for concurrent work, they poll a signal with a deadline.

import { setTimeout as sleep } from 'node:timers/promises'

export interface WaitOptions {
  timeoutMs?: number
  intervalMs?: number
  what?: string
}

/** Resolves with the first truthy value `probe` returns; rejects after `timeoutMs` with the last error seen. */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = options
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value) return value as NonNullable<T>
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`)
    }
    await sleep(intervalMs)
  }
}
