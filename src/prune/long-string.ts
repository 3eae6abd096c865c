// Reads a JSON document in chunks without ever holding its long strings: every string longer than
// `keepBytes` (its JSON text) is replaced by a placeholder and described by a LongString (its head, its
// length, where it lies in the document). What remains is small and parsed normally. This is how a 13 MB
// event or stored part carrying a data URL is pruned in constant memory: one native scan for quotes and
// backslashes, no 13 MB string, no 13 MB parse.

/** A string too long to keep, as far as the pruning rules need it. */
export interface LongString {
  readonly long: true
  /** Its first characters (about keepBytes of JSON text, cut at a safe point), decoded. */
  head: string
  /** Its length in UTF-8 bytes once decoded (escapes counted as what they stand for). */
  bytes: number
  /** Its JSON text's length in bytes (what lies between the quotes). */
  rawBytes: number
  /** Byte offset of its first character (after the opening quote) in the document. */
  start: number
  /** Its last few characters of JSON text (enough to see base64 padding). */
  tail: string
}

export type Text = string | LongString

export function isLong(v: unknown): v is LongString {
  return typeof v === 'object' && v !== null && (v as { long?: unknown }).long === true
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const PLACEHOLDER = '\u0000studio-long:'
const TAIL_BYTES = 8

export interface Elider {
  feed(chunk: Buffer): void
  /** The document with long strings replaced, parsed; LongStrings where they were. Throws on bad JSON. */
  finish(): unknown
}

export function createElider(keepBytes: number): Elider {
  const out: Buffer[] = []
  const longs: LongString[] = []
  let offset = 0 // bytes of the document consumed before the current chunk
  let inString = false
  /** The previous chunk ended in the middle of an escape: skip this many bytes of the next one. */
  let skip = 0
  // the current string
  let start = 0
  let kept: Buffer[] = []
  let keptBytes = 0
  let escapeSavings = 0
  let tail: Buffer = Buffer.alloc(0)

  function keep(bytes: Buffer): void {
    if (keptBytes <= keepBytes) kept.push(bytes)
    keptBytes += bytes.length
  }

  function closeString(end: number): void {
    const raw = end - start
    if (raw <= keepBytes) {
      out.push(...kept, Buffer.from('"'))
    } else {
      longs.push({ long: true, head: safeHead(Buffer.concat(kept), keepBytes), bytes: raw - escapeSavings, rawBytes: raw, start, tail: tail.toString('latin1') })
      out.push(Buffer.from(`${JSON.stringify(PLACEHOLDER + (longs.length - 1)).slice(1)}`))
    }
    kept = []
    keptBytes = 0
    escapeSavings = 0
    tail = Buffer.alloc(0)
    inString = false
  }

  /** The bytes after a backslash that ended the previous chunk: the escape's kind is not known yet. */
  let afterBackslash = false

  function take(bytes: Buffer): void {
    keep(bytes)
    tail = bytes.length >= TAIL_BYTES ? bytes.subarray(bytes.length - TAIL_BYTES) : Buffer.concat([tail, bytes]).subarray(-TAIL_BYTES)
  }

  /** Bytes an escape takes after its backslash: \uXXXX five, the others one. */
  function escapeRest(letter: number | undefined): number {
    // what it stands for counts as one byte (JSON.stringify writes only control characters as \u)
    const rest = letter === 0x75 ? 5 : 1
    escapeSavings += rest
    return rest
  }

  return {
    feed(chunk) {
      let pos = 0
      while (pos < chunk.length) {
        if (!inString) {
          const q = chunk.indexOf(QUOTE, pos)
          if (q < 0) {
            out.push(chunk.subarray(pos))
            break
          }
          out.push(chunk.subarray(pos, q + 1))
          inString = true
          start = offset + q + 1
          pos = q + 1
          continue
        }
        if (afterBackslash) {
          afterBackslash = false
          skip = escapeRest(chunk[pos])
        }
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - pos)
          take(chunk.subarray(pos, pos + n))
          pos += n
          skip -= n
          continue
        }
        const q = chunk.indexOf(QUOTE, pos)
        const b = chunk.indexOf(BACKSLASH, pos)
        if (b >= 0 && (q < 0 || b < q)) {
          take(chunk.subarray(pos, b + 1))
          pos = b + 1
          if (pos >= chunk.length) afterBackslash = true
          else skip = escapeRest(chunk[pos])
          continue
        }
        if (q < 0) {
          take(chunk.subarray(pos))
          break
        }
        take(chunk.subarray(pos, q))
        closeString(offset + q)
        pos = q + 1
      }
      offset += chunk.length
    },
    finish() {
      const text = Buffer.concat(out).toString('utf8')
      return JSON.parse(text, (_key, value: unknown) =>
        typeof value === 'string' && value.startsWith(PLACEHOLDER) ? (longs[Number(value.slice(PLACEHOLDER.length))] ?? value) : value,
      )
    },
  }
}

/** The first ~n bytes of a JSON string's text, cut before any partial escape or character, decoded. */
function safeHead(raw: Buffer, n: number): string {
  let end = Math.min(n, raw.length)
  // never end inside an escape: back up to before the backslash run that could be cut
  const lastBackslash = raw.lastIndexOf(BACKSLASH, end - 1)
  if (lastBackslash >= 0 && end - lastBackslash < 6) end = lastBackslash
  // never end inside a UTF-8 sequence
  while (end > 0 && (raw[end]! & 0xc0) === 0x80) end--
  try {
    return JSON.parse(`"${raw.subarray(0, end).toString('utf8')}"`) as string
  } catch {
    return raw.subarray(0, end).toString('utf8')
  }
}
