import { describe, expect, it } from 'vitest'
import { createSleeper } from './sleeper.js'

/** Sleeps far longer than any test may take: a sleep that was not ended early can never look like one that was. */
const LONG_MS = 3_600_000
const woke = (sleep: Promise<void>) =>
  Promise.race([sleep.then(() => 'woke' as const), new Promise<'still asleep'>((r) => setTimeout(() => r('still asleep'), 10_000).unref())])

describe('sleeper', () => {
  it('sleeps, and wake() ends every pending sleep early', async () => {
    const s = createSleeper()
    const a = s.sleep(LONG_MS)
    const b = s.sleep(LONG_MS)
    s.wake()
    expect(await woke(Promise.all([a, b]).then(() => {}))).toBe('woke')
    await s.sleep(20) // still usable after a wake
  })

  it('after cancel() every sleep returns at once', async () => {
    const s = createSleeper()
    const pending = s.sleep(LONG_MS)
    s.cancel()
    expect(await woke(pending)).toBe('woke')
    expect(await woke(s.sleep(LONG_MS))).toBe('woke')
  })
})
