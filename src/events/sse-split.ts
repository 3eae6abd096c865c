// Splits OpenCode's event stream into messages without ever holding a huge one. OpenCode writes each event
// as one `data: <json>` line and a blank line (opencode-reference.md §5.1); an attachment can make that
// line many megabytes (a data URL inside a part). Messages up to `maxBytes` are delivered whole; a longer
// one is handed over as it arrives: its head (enough to see the event type and directory), then the rest in
// chunks, then its end, so Studio relays it in constant memory.

export interface SplitHandlers {
  /** A complete message's data (the `data:` field values, joined with \n as the SSE spec says). */
  message(data: string): void
  /** A message grew past maxBytes: `head` is its data so far. Return false to drop the rest of it. */
  bigStart(head: Buffer): boolean
  bigChunk(chunk: Buffer): void
  bigEnd(): void
}

const LF = 0x0a

export interface SseSplitter {
  feed(chunk: Buffer): void
}

export function createSseSplitter(maxBytes: number, handlers: SplitHandlers): SseSplitter {
  /**
   * In a big message: whether it is relayed or dropped, and whether a line feed is held back (it may be
   * the data line's own end, which is not part of the data, if the next byte is the blank line).
   */
  let big: { relay: boolean; heldLf: boolean } | null = null

  const relay = (bytes: Buffer) => {
    if (big!.relay && bytes.length > 0) handlers.bigChunk(bytes)
  }

  /** Consumes a chunk inside a big message; returns what follows the message, or null if it goes on. */
  function feedBig(chunk: Buffer): Buffer | null {
    const b = big!
    if (b.heldLf) {
      b.heldLf = false
      if (chunk[0] === LF) return finishBig(chunk.subarray(1))
      relay(Buffer.from('\n'))
    }
    const at = chunk.indexOf('\n\n')
    if (at >= 0) {
      relay(chunk.subarray(0, at))
      return finishBig(chunk.subarray(at + 2))
    }
    const endsWithLf = chunk[chunk.length - 1] === LF
    relay(endsWithLf ? chunk.subarray(0, -1) : chunk)
    b.heldLf = endsWithLf
    return null
  }

  function finishBig(rest: Buffer): Buffer {
    if (big!.relay) handlers.bigEnd()
    big = null
    return rest
  }

  /** The current message's bytes so far, as received (concatenated only once it is complete or too big). */
  let parts: Buffer[] = []
  let length = 0
  /** Whether the last byte kept in `parts` is a line feed (a boundary may straddle two chunks). */
  let endsWithLf = false

  function take(upTo: number, chunk: Buffer): Buffer {
    const whole = parts.length === 0 ? chunk.subarray(0, upTo) : Buffer.concat([...parts, chunk.subarray(0, upTo)])
    parts = []
    length = 0
    return whole
  }

  return {
    feed(input) {
      let chunk: Buffer | null = input
      while (chunk !== null && chunk.length > 0) {
        if (big) {
          chunk = feedBig(chunk)
          continue
        }
        // the blank line ending this message: LF LF, perhaps split across two chunks
        const at = endsWithLf && chunk[0] === LF ? -1 : chunk.indexOf('\n\n')
        if (at >= 0 || (endsWithLf && chunk[0] === LF)) {
          const block = at >= 0 ? take(at, chunk) : take(0, chunk)
          handlers.message(dataOf(block.toString('utf8')))
          endsWithLf = false
          chunk = chunk.subarray(at >= 0 ? at + 2 : 1)
          continue
        }
        parts.push(chunk)
        length += chunk.length
        endsWithLf = chunk[chunk.length - 1] === LF
        chunk = null
        if (length > maxBytes) {
          const all = take(0, Buffer.alloc(0))
          const head = stripFieldName(endsWithLf ? all.subarray(0, -1) : all)
          big = { relay: handlers.bigStart(head), heldLf: endsWithLf }
          endsWithLf = false
        }
      }
    },
  }
}

/** The data of one SSE block: every `data:` line's value (one leading space removed), joined by \n. */
function dataOf(block: string): string {
  const lines = block.split(/\r?\n/)
  const data: string[] = []
  for (const line of lines) {
    if (!line.startsWith('data:')) continue
    data.push(line.startsWith('data: ') ? line.slice(6) : line.slice(5))
  }
  return data.join('\n')
}

/** A big message's head without the `data: ` prefix (and any field lines before it). */
function stripFieldName(buffer: Buffer): Buffer {
  const at = buffer.indexOf('data:')
  if (at < 0) return buffer
  const start = at + (buffer[at + 5] === 0x20 ? 6 : 5)
  return buffer.subarray(start)
}
