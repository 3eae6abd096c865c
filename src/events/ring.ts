// The replay ring: recent event frames, bounded by bytes, so a client that reconnects with
// Last-Event-ID gets exactly what it missed. A frame larger than the whole budget is sent live only and
// remembered, so a client resuming from before it is told about the gap instead of silently missing it.

export interface RingFrame {
  seq: number
  /** The event's directoryKey(), for ?directory= filters on replay. */
  key: string | null
  bytes: Buffer
}

export type Replay = { ok: true; frames: RingFrame[] } | { ok: false; gapSeq: number }

export interface ReplayRing {
  push(frame: RingFrame): void
  /** A frame that was relayed without being kept (too large): a cursor before it cannot be served. */
  skip(seq: number): void
  /** Frames with seq > cursor, oldest first; or, when one of them is gone, the first seq the client missed. */
  since(cursor: number): Replay
  readonly bytes: number
  readonly length: number
}

export function createReplayRing(maxBytes: number): ReplayRing {
  const frames: RingFrame[] = []
  let head = 0 // frames before head are evicted (compacted lazily)
  let bytes = 0
  /** Highest seq that was evicted or never buffered: a cursor below it cannot be fully replayed. */
  let lostThrough = 0

  const evict = () => {
    const old = frames[head++]!
    bytes -= old.bytes.length
    lostThrough = Math.max(lostThrough, old.seq)
  }

  return {
    push(frame) {
      if (frame.bytes.length > maxBytes) {
        lostThrough = Math.max(lostThrough, frame.seq)
        return
      }
      frames.push(frame)
      bytes += frame.bytes.length
      while (bytes > maxBytes) evict()
      if (head > 1024 && head * 2 > frames.length) {
        frames.splice(0, head)
        head = 0
      }
    },
    skip(seq) {
      lostThrough = Math.max(lostThrough, seq)
    },
    since(cursor) {
      if (cursor < lostThrough) return { ok: false, gapSeq: cursor + 1 }
      // frames are in seq order: binary search the first one after the cursor
      let lo = head
      let hi = frames.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (frames[mid]!.seq <= cursor) lo = mid + 1
        else hi = mid
      }
      return { ok: true, frames: frames.slice(lo) }
    },
    get bytes() {
      return bytes
    },
    get length() {
      return frames.length - head
    },
  }
}
