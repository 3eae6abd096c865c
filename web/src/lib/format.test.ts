import { describe, expect, it } from 'vitest'
import { isoDate, relativeTime } from './format'

describe('relativeTime', () => {
  const now = new Date(2026, 11, 2, 12, 0, 0).getTime()
  it('says minutes, hours and days up to a month, then the local date', () => {
    expect(relativeTime(now - 10_000, now)).toBe('now')
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5m')
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe('3h')
    expect(relativeTime(now - 4 * 86_400_000, now)).toBe('4d')
    expect(relativeTime(new Date(2026, 0, 5, 23, 30).getTime(), now)).toBe('2026-01-05')
  })
  it('pads months and days', () => {
    expect(isoDate(new Date(2025, 8, 9, 0, 5).getTime())).toBe('2025-09-09')
    expect(isoDate(new Date(2025, 10, 30).getTime())).toBe('2025-11-30')
  })
})
