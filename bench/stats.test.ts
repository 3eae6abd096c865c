import { describe, expect, it } from 'vitest'
import { percentile, summarize } from './stats.js'

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    expect(percentile(sorted, 50)).toBe(5)
    expect(percentile(sorted, 90)).toBe(9)
    expect(percentile(sorted, 99)).toBe(10)
    expect(percentile(sorted, 0)).toBe(1)
    expect(percentile([], 50)).toBeNaN()
  })

  it('summarises unsorted samples', () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, median: 2, p90: 3, p99: 3, mean: 2 })
  })
})
