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

describe('lru bounded by weight', () => {
  const bytes = (max: number) => createLru<Buffer>(100, { max, weigh: (b) => b.length })

  it('drops the least recently used until the total weight fits', () => {
    const lru = bytes(10)
    lru.set('a', Buffer.alloc(4))
    lru.set('b', Buffer.alloc(4))
    lru.get('a')
    lru.set('c', Buffer.alloc(4)) // 12 > 10: b (least recent) goes
    expect([lru.get('a')?.length, lru.get('b'), lru.get('c')?.length, lru.weight]).toEqual([4, undefined, 4, 8])
  })

  it('never stores an entry heavier than the bound, and keeps what it had', () => {
    const lru = bytes(10)
    lru.set('a', Buffer.alloc(4))
    lru.set('big', Buffer.alloc(11))
    expect([lru.get('big'), lru.get('a')?.length, lru.weight]).toEqual([undefined, 4, 4])
  })

  it('counts a replaced entry once, and nothing after clear', () => {
    const lru = bytes(10)
    lru.set('a', Buffer.alloc(4))
    lru.set('a', Buffer.alloc(6))
    expect([lru.size, lru.weight]).toEqual([1, 6])
    lru.clear()
    expect([lru.size, lru.weight]).toEqual([0, 0])
  })
})
