import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEventHub, type EventHub, type Sink } from './hub.js'

/** A sink that accepts writes but only "sends" them when told to, like a socket of a slow client. */
function sink(): Sink & { text(): string; ended: boolean; destroyed: boolean; pending: number } {
  const chunks: Buffer[] = []
  const s = {
    pending: 0,
    ended: false,
    destroyed: false,
    write(chunk: Buffer) {
      chunks.push(chunk)
      s.pending += chunk.length
      return true
    },
    get writableLength() {
      return s.pending
    },
    end(chunk?: Buffer) {
      if (chunk) chunks.push(chunk)
      s.ended = true
    },
    destroy() {
      s.destroyed = true
    },
    text: () => Buffer.concat(chunks).toString(),
  }
  return s
}

const ids = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))

let hub: EventHub
afterEach(() => hub?.close())

describe('event hub', () => {
  it('numbers events and writes them to subscribers as id/data frames', () => {
    hub = createEventHub({ replayBytes: 1 << 20, clientQueueBytes: 1 << 20, heartbeatMs: 25_000, firstSeq: 1 })
    const a = sink()
    hub.subscribe({ lastEventId: null, directory: null, sink: a })
    expect(hub.publish({ data: { type: 'x' }, directory: null })).toBe(1)
    expect(hub.publish({ data: { type: 'y' }, directory: '/d' })).toBe(2)
    expect(a.text()).toBe('id: 1\ndata: {"type":"x"}\n\nid: 2\ndata: {"type":"y"}\n\n')
    expect(hub.seq()).toBe(2)
  })

  it('replays what a resuming client missed, exactly once, in order, before live events', () => {
    hub = createEventHub({ replayBytes: 1 << 20, clientQueueBytes: 1 << 20, heartbeatMs: 25_000, firstSeq: 1 })
    for (let i = 0; i < 5; i++) hub.publish({ data: { i }, directory: null })
    const a = sink()
    hub.subscribe({ lastEventId: 2, directory: null, sink: a })
    hub.publish({ data: { i: 5 }, directory: null })
    expect(ids(a.text())).toEqual([3, 4, 5, 6])
  })

  it('filters replay and live events by directory', () => {
    hub = createEventHub({ replayBytes: 1 << 20, clientQueueBytes: 1 << 20, heartbeatMs: 25_000, firstSeq: 1 })
    hub.publish({ data: 1, directory: '/a' })
    hub.publish({ data: 2, directory: '/b' })
    const a = sink()
    hub.subscribe({ lastEventId: 0, directory: '/a', sink: a })
    hub.publish({ data: 3, directory: '/b' })
    hub.publish({ data: 4, directory: null })
    expect(ids(a.text())).toEqual([1, 4])
  })

  it('sends a replay-gap frame for a cursor it cannot serve: too old, from an earlier run, or ahead', () => {
    hub = createEventHub({ replayBytes: 60, clientQueueBytes: 1 << 20, heartbeatMs: 25_000, firstSeq: 1000 })
    for (let i = 0; i < 10; i++) hub.publish({ data: { i }, directory: null })
    for (const [cursor, reason] of [
      [1000, 'cursor-too-old'],
      [5, 'cursor-too-old'],
      [5000, 'cursor-ahead'],
    ] as const) {
      const a = sink()
      hub.subscribe({ lastEventId: cursor, directory: null, sink: a })
      expect(a.text()).toMatch(/^event: replay-gap\ndata: /)
      const gap = JSON.parse(a.text().split('data: ')[1]!)
      expect(gap).toMatchObject({ type: 'opencode-studio:replay-gap', properties: { reason, requestedLastEventId: cursor, seqAtSubscribe: 1009 } })
      expect(ids(a.text())).toEqual([])
    }
  })

  it('cuts off a client whose backlog passes four times its budget, with a gap frame, and keeps serving the others', () => {
    hub = createEventHub({ replayBytes: 1 << 20, clientQueueBytes: 1000, heartbeatMs: 25_000, firstSeq: 1 })
    const slow = sink()
    const fast = sink()
    hub.subscribe({ lastEventId: null, directory: null, sink: slow })
    hub.subscribe({ lastEventId: null, directory: null, sink: fast })
    const big = 'x'.repeat(1500) // one event alone is larger than the budget
    for (let i = 0; i < 10; i++) {
      hub.publish({ data: big, directory: null })
      fast.pending = 0 // the fast client's socket keeps draining
    }
    expect(ids(fast.text())).toHaveLength(10)
    expect(slow.ended).toBe(true)
    expect(slow.text()).toContain('event: replay-gap')
    expect(JSON.parse(slow.text().split('event: replay-gap\ndata: ')[1]!).properties.reason).toBe('client-too-slow')
    expect(ids(slow.text())).toHaveLength(3) // 1500, 3000, then 4500 > 4 × 1000 backlog: cut before the 4th
    expect(hub.stats().clients).toBe(1)
  })

  it('gives a client above its budget a grace period to catch up, then cuts it off', () => {
    vi.useFakeTimers()
    try {
      hub = createEventHub({ replayBytes: 1 << 20, clientQueueBytes: 1000, heartbeatMs: 25_000, firstSeq: 1 })
      const lagging = sink()
      hub.subscribe({ lastEventId: null, directory: null, sink: lagging })
      hub.publish({ data: 'y'.repeat(1500), directory: null })
      vi.advanceTimersByTime(3000)
      expect(lagging.ended).toBe(false)
      lagging.pending = 0 // it caught up
      vi.advanceTimersByTime(10_000)
      expect(lagging.ended).toBe(false)
      hub.publish({ data: 'y'.repeat(1500), directory: null })
      vi.advanceTimersByTime(7000) // and now it stays behind
      expect(lagging.ended).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('relays a large event in pieces, holding other events until it ends, and never replays it', () => {
    hub = createEventHub({ replayBytes: 1 << 20, clientQueueBytes: 1 << 20, heartbeatMs: 25_000, firstSeq: 1 })
    const a = sink()
    hub.subscribe({ lastEventId: null, directory: null, sink: a })
    hub.publish({ data: 'before', directory: null })
    const big = hub.openStream(null, Buffer.from('{"type":"big","x":"'))
    hub.publish({ data: 'during', directory: null }) // waits
    big.write(Buffer.from('aaaa'))
    big.write(Buffer.from('bbbb"}'))
    big.end()
    expect(a.text()).toBe('id: 1\ndata: "before"\n\nid: 2\ndata: {"type":"big","x":"aaaabbbb"}\n\nid: 3\ndata: "during"\n\n')
    const resumed = sink()
    hub.subscribe({ lastEventId: 1, directory: null, sink: resumed })
    expect(resumed.text()).toContain('replay-gap')
    const after = sink()
    hub.subscribe({ lastEventId: 2, directory: null, sink: after })
    expect(ids(after.text())).toEqual([3])
  })

  it('sends slim clients the slim copy of an event, and of a large one once it has ended, kept for their replay', () => {
    hub = createEventHub({ replayBytes: 1 << 20, clientQueueBytes: 1 << 20, heartbeatMs: 25_000, firstSeq: 1 })
    const full = sink()
    const slim = sink()
    hub.subscribe({ lastEventId: null, directory: null, sink: full })
    hub.subscribe({ lastEventId: null, directory: null, sink: slim, slim: true })
    hub.publish({ data: null, raw: '"fat"', slim: '"thin"', directory: null })
    let fed = ''
    const big = hub.openStream(null, Buffer.from('"lo'), { feed: (c) => (fed += c.toString()), finish: () => `"slim of ${fed}"` })
    hub.publish({ data: 'during', directory: null })
    big.write(Buffer.from('ng"'))
    expect(slim.text()).toBe('id: 1\ndata: "thin"\n\n') // nothing of the large event yet
    big.end()
    expect(full.text()).toBe('id: 1\ndata: "fat"\n\nid: 2\ndata: "long"\n\nid: 3\ndata: "during"\n\n')
    expect(slim.text()).toBe('id: 1\ndata: "thin"\n\nid: 2\ndata: "slim of "long""\n\nid: 3\ndata: "during"\n\n')
    const resumedSlim = sink()
    hub.subscribe({ lastEventId: 0, directory: null, sink: resumedSlim, slim: true })
    expect(resumedSlim.text()).toBe(slim.text())
    const resumedFull = sink()
    hub.subscribe({ lastEventId: 1, directory: null, sink: resumedFull })
    expect(resumedFull.text()).toContain('replay-gap')
  })

  it('disconnects the clients of a large event whose source broke off', () => {
    hub = createEventHub({ replayBytes: 1 << 20, clientQueueBytes: 1 << 20, heartbeatMs: 25_000, firstSeq: 1 })
    const a = sink()
    hub.subscribe({ lastEventId: null, directory: null, sink: a })
    const big = hub.openStream(null, Buffer.from('{"half'))
    big.abort()
    expect(a.ended).toBe(true)
    expect(a.text()).not.toContain('replay-gap') // nothing appended to half an event
    hub.publish({ data: 'later', directory: null })
    expect(hub.seq()).toBe(2)
  })

  it('starts from a time-based sequence by default, so ids grow across restarts', () => {
    const before = Date.now() * 1000
    hub = createEventHub({ replayBytes: 1000, clientQueueBytes: 1000, heartbeatMs: 25_000 })
    expect(hub.firstSeq).toBeGreaterThanOrEqual(before)
    expect(hub.publish({ data: 1, directory: null })).toBe(hub.firstSeq)
  })

  it("relays OpenCode's sync copies live, unnumbered, to full clients only, in order, and never replays them", () => {
    hub = createEventHub({ replayBytes: 1 << 20, clientQueueBytes: 1 << 20, heartbeatMs: 25_000, firstSeq: 1 })
    const full = sink()
    const slim = sink()
    const heard: number[] = []
    hub.listen((_e, seq) => heard.push(seq))
    hub.subscribe({ lastEventId: null, directory: null, sink: full })
    hub.subscribe({ lastEventId: null, directory: null, sink: slim, slim: true })
    hub.publish({ data: {}, raw: '{"n":1}', directory: null })
    hub.relayCopy(null, '{"copy":1}')
    hub.publish({ data: {}, raw: '{"n":2}', directory: null })
    expect(full.text()).toBe('id: 1\ndata: {"n":1}\n\ndata: {"copy":1}\n\nid: 2\ndata: {"n":2}\n\n')
    expect(slim.text()).toBe('id: 1\ndata: {"n":1}\n\nid: 2\ndata: {"n":2}\n\n')
    expect(hub.seq()).toBe(2)
    expect(heard).toEqual([1, 2])
    const resumed = sink()
    hub.subscribe({ lastEventId: 0, directory: null, sink: resumed })
    expect(resumed.text()).not.toContain('copy')
  })

  it('tells in-process listeners synchronously', () => {
    hub = createEventHub({ replayBytes: 1000, clientQueueBytes: 1000, heartbeatMs: 25_000, firstSeq: 1 })
    const seen: number[] = []
    const off = hub.listen((_e, seq) => seen.push(seq))
    hub.publish({ data: 1, directory: null })
    off()
    hub.publish({ data: 2, directory: null })
    expect(seen).toEqual([1])
  })
})
