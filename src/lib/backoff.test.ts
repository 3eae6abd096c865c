import { describe, expect, it } from 'vitest'
import { backoffDelayMs } from './backoff.js'

describe('backoffDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    const policy = { baseMs: 500, maxMs: 30_000 }
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => backoffDelayMs(n, policy))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ])
  })

  it('treats attempt 0 or below like the first', () => {
    expect(backoffDelayMs(0, { baseMs: 100, maxMs: 1000 })).toBe(100)
  })
})
