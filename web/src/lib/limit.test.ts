import { describe, expect, it } from 'vitest'
import { createLimiter } from './limit'

describe('createLimiter', () => {
  it('runs at most n tasks at once, the rest in order, and passes results and failures through', async () => {
    const limit = createLimiter(2)
    let running = 0
    let most = 0
    const started: number[] = []
    const task = (i: number) => async () => {
      started.push(i)
      running++
      most = Math.max(most, running)
      await new Promise((r) => setTimeout(r, 5))
      running--
      if (i === 3) throw new Error('three')
      return i * 10
    }
    const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map((i) => limit(task(i))))
    expect(most).toBe(2)
    expect(started).toEqual([0, 1, 2, 3, 4, 5])
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([0, 10, 20, 'three', 40, 50])
  })
})
