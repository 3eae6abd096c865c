import { describe, expect, it } from 'vitest'
import { createLru } from './lru.js'

describe('lru', () => {
  it('keeps at most its bound, dropping the least recently used', () => {
    const lru = createLru<number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1) // a is now the most recent
    lru.set('c', 3)
    expect(lru.size).toBe(2)
    expect(lru.get('b')).toBeUndefined()
    expect([lru.get('a'), lru.get('c')]).toEqual([1, 3])
  })

  it('replaces an entry in place and empties on clear', () => {
    const lru = createLru<number>(2)
    lru.set('a', 1)
    lru.set('a', 2)
    expect([lru.get('a'), lru.size]).toEqual([2, 1])
    lru.clear()
    expect([lru.get('a'), lru.size]).toEqual([undefined, 0])
  })
})
