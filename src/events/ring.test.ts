import { describe, expect, it } from 'vitest'
import { createReplayRing } from './ring.js'

const frame = (seq: number, size = 10) => ({ seq, key: null, bytes: Buffer.alloc(size) })

describe('replay ring', () => {
  it('replays everything after a cursor, in order', () => {
    const ring = createReplayRing(1000)
    for (let s = 1; s <= 5; s++) ring.push(frame(s))
    const replay = ring.since(2)
    expect(replay.ok && replay.frames.map((f) => f.seq)).toEqual([3, 4, 5])
    expect(ring.since(5)).toEqual({ ok: true, frames: [] })
  })

  it('evicts the oldest frames past its byte budget, and reports a gap for cursors before them', () => {
    const ring = createReplayRing(35)
    for (let s = 1; s <= 5; s++) ring.push(frame(s))
    expect(ring.length).toBe(3)
    expect(ring.bytes).toBe(30)
    expect(ring.since(1)).toEqual({ ok: false, gapSeq: 2 })
    const replay = ring.since(2)
    expect(replay.ok && replay.frames.map((f) => f.seq)).toEqual([3, 4, 5])
  })

  it('never buffers a frame larger than the budget, and remembers the hole it leaves', () => {
    const ring = createReplayRing(50)
    ring.push(frame(1))
    ring.push(frame(2, 500))
    ring.push(frame(3))
    expect(ring.since(1)).toEqual({ ok: false, gapSeq: 2 })
    const after = ring.since(2)
    expect(after.ok && after.frames.map((f) => f.seq)).toEqual([3])
  })

  it('stays correct over many evictions (lazy compaction)', () => {
    const ring = createReplayRing(100)
    for (let s = 1; s <= 10_000; s++) ring.push(frame(s))
    expect(ring.length).toBe(10)
    const replay = ring.since(9995)
    expect(replay.ok && replay.frames.map((f) => f.seq)).toEqual([9996, 9997, 9998, 9999, 10000])
  })
})
