import { describe, expect, it } from 'vitest'
import { createSleeper } from './sleeper.js'

describe('sleeper', () => {
  it('sleeps, and wake() ends every pending sleep early', async () => {
    const s = createSleeper()
    const start = performance.now()
    const a = s.sleep(10_000)
    const b = s.sleep(10_000)
    s.wake()
    await Promise.all([a, b])
    expect(performance.now() - start).toBeLessThan(1000)
    await s.sleep(20) // still usable after a wake
  })

  it('after cancel() every sleep returns at once', async () => {
    const s = createSleeper()
    const pending = s.sleep(10_000)
    s.cancel()
    await pending
    const start = performance.now()
    await s.sleep(10_000)
    expect(performance.now() - start).toBeLessThan(1000)
  })
})
