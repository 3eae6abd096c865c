// A streaming scanner over a prompt body's raw JSON bytes. It finds the elements of the top-level
// `parts` array that carry a `serverPath` key and hands each one over whole; every other byte passes
// through untouched, as slices of the chunks it arrived in. Nothing is parsed or re-serialised unless
// Studio changes it, so a 90 MB prompt without serverPath costs a chunk's worth of memory, and a body
// OpenCode accepts (however deeply nested) reaches it byte for byte.
//
// Only elements of `parts` are held back, and only while they stay under `holdLimitBytes`: a serverPath
// part carries a path, not data. A bigger element streams on unchanged (OpenCode then judges it).
// Keys written with JSON escapes are not recognised (they stay OpenCode's to judge, like any unknown key).

export type Segment =
  /** Bytes to send on as they are. */
  | { kind: 'bytes'; bytes: Buffer }
  /** One whole element of `parts` with a serverPath key; `depth` is its deepest nesting (1 = flat object). */
  | { kind: 'part'; bytes: Buffer; depth: number }

export interface PromptScanner {
  push(chunk: Buffer): Segment[]
  end(): Segment[]
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
/** Longest key worth capturing ("serverPath", "parts"). */
const KEY_CAPTURE_BYTES = 16
const SERVER_PATH = 'serverPath'
/** Bytes of a string looked at one by one before asking indexOf. */
const NEAR_BYTES = 64

export function createPromptScanner(holdLimitBytes: number): PromptScanner {
  let depth = 0
  // Container kinds and key state matter only at depth 1 (the body), 2 (parts) and 3 (a part).
  let topIsObject = false
  let inParts = false
  let expectKey1 = false
  let expectKey3 = false
  let lastKey1 = ''
  let inString = false
  let escaped = false
  /** Key bytes being captured (null: the current string is not a key we look at). */
  let key: number[] | null = null
  let keyDepth = 0

  /** The element of parts being held back, or null. */
  let held: Buffer[] | null = null
  let heldBytes = 0
  let heldServerPath = false
  let heldMaxDepth = 0
  /** Inside an element that outgrew the hold limit (streams on unchanged). */
  let passingElement = false

  function finishKey(): void {
    const text = key && key.length <= KEY_CAPTURE_BYTES ? String.fromCharCode(...key) : ''
    if (keyDepth === 1) lastKey1 = text
    else if (text === SERVER_PATH && held) heldServerPath = true
    key = null
  }

  function push(chunk: Buffer): Segment[] {
    const out: Segment[] = []
    /** Start of the bytes of this chunk not yet emitted or held. */
    let from = 0
    const len = chunk.length
    let nextQuote = -1
    let nextBackslash = -1
    let i = 0
    while (i < len) {
      if (inString) {
        if (escaped) {
          escaped = false
          if (key) key.push(chunk[i]!, 0) // an escaped key never matches
          i++
          continue
        }
        // Run to the next quote or backslash: strings are most of a big prompt. A short plain loop
        // first (a native indexOf per escape costs far more when escapes are dense), then indexOf,
        // whose answers are kept until passed (so sparse escapes do not rescan the chunk either).
        let j = i
        const near = Math.min(len, i + NEAR_BYTES)
        while (j < near) {
          const b = chunk[j]!
          if (b === QUOTE || b === BACKSLASH) break
          j++
        }
        if (j === near && near < len) {
          if (nextQuote < j) nextQuote = indexOr(chunk, QUOTE, j, len)
          if (nextBackslash < j) nextBackslash = indexOr(chunk, BACKSLASH, j, len)
          j = Math.min(nextQuote, nextBackslash)
        }
        if (key && key.length <= KEY_CAPTURE_BYTES) for (let k = i; k < j && key.length <= KEY_CAPTURE_BYTES; k++) key.push(chunk[k]!)
        if (j === len) break
        if (chunk[j] === BACKSLASH) escaped = true
        else {
          inString = false
          if (key) finishKey()
        }
        i = j + 1
        continue
      }
      const c = chunk[i]!
      switch (c) {
        case QUOTE:
          inString = true
          if ((depth === 1 && expectKey1) || (depth === 3 && expectKey3 && held)) {
            key = []
            keyDepth = depth
            if (depth === 1) expectKey1 = false
            else expectKey3 = false
          }
          break
        case 0x7b: // {
          depth++
          if (depth === 1) topIsObject = expectKey1 = true
          else if (depth === 3 && inParts) {
            expectKey3 = true
            if (i > from) out.push({ kind: 'bytes', bytes: chunk.subarray(from, i) })
            from = i
            held = []
            heldBytes = 0
            heldServerPath = false
            heldMaxDepth = 1
          }
          break
        case 0x5b: // [
          depth++
          if (depth === 2 && topIsObject && lastKey1 === 'parts') inParts = true
          break
        case 0x7d: // }
        case 0x5d: // ]
          if (depth === 3 && inParts && held) {
            held.push(chunk.subarray(from, i + 1))
            const bytes = Buffer.concat(held)
            out.push(heldServerPath ? { kind: 'part', bytes, depth: heldMaxDepth } : { kind: 'bytes', bytes })
            held = null
            from = i + 1
          }
          if (depth === 3) passingElement = false
          if (depth === 2) inParts = false
          depth--
          break
        case 0x2c: // ,
          if (depth === 1) expectKey1 = topIsObject
          else if (depth === 3 && (held || passingElement)) expectKey3 = true
          break
      }
      if (held && depth - 2 > heldMaxDepth) heldMaxDepth = depth - 2
      i++
    }
    if (held) {
      if (from < len) {
        held.push(chunk.subarray(from))
        heldBytes += len - from
      }
      if (heldBytes > holdLimitBytes) {
        // Too big to be a serverPath part worth expanding: let it flow.
        out.push({ kind: 'bytes', bytes: Buffer.concat(held) })
        held = null
        passingElement = true
      }
    } else if (from < len) out.push({ kind: 'bytes', bytes: chunk.subarray(from) })
    return out
  }

  return {
    push,
    end() {
      if (!held) return []
      // A truncated body: pass what there is, OpenCode refuses it.
      const bytes = Buffer.concat(held)
      held = null
      return [{ kind: 'bytes', bytes }]
    },
  }
}

function indexOr(chunk: Buffer, byte: number, from: number, fallback: number): number {
  const at = chunk.indexOf(byte, from)
  return at === -1 ? fallback : at
}
