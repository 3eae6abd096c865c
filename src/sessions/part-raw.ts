// A stored file part's bytes, for GET …/part/:pid/raw. The part's JSON is read in slices through the
// eliding reader (its data URL is measured, never held), then the URL's base64 payload is read slice by
// slice from storage and decoded on the way: a 50 MB attachment costs a few MiB of memory at any moment.
// Parts do not change once written, so what a part is made of is remembered for later (Range) requests,
// and the decoded bytes of a part up to a few MiB, once read whole, are kept in memory (bounded): an
// image in a session's newest page is fetched by every first visit, and decoding it from storage again
// cost Studio ~20 ms of CPU per MB (SQLite reads of the stored JSON, base64, the garbage of both).

import { createHash } from 'node:crypto'
import { createLru } from '../lib/lru.js'
import { createBase64Decoder, createElider, dataUrlInfo, isLong, payloadOffsetFor, type Text } from '../prune/index.js'
import type { PartBytes, ReadResult, StorageReader } from '../storage/index.js'

/** Slice of stored JSON read per storage call. */
const SLICE_BYTES = 1024 * 1024
/** Text kept per string while measuring (a data URL's header, a file URL). */
const KEEP_BYTES = 4096
const REMEMBERED = 256
/** Decoded parts kept in memory: each at most this, all together at most that. */
const KEPT_PART_BYTES = 8 * 1024 * 1024
const KEPT_TOTAL_BYTES = 48 * 1024 * 1024

export type PartRaw =
  | {
      kind: 'data'
      mime: string
      filename: string | null
      /** Decoded bytes. */
      size: number
      /** Strong: a part's stored bytes never change. */
      etag: string
      /** Decoded bytes [start, end] (inclusive), in pieces. */
      stream(start: number, end: number): AsyncGenerator<Buffer>
      /** Releases the storage handle when the bytes are not streamed (304, HEAD, a bad range). */
      close(): void
    }
  | { kind: 'file'; url: string; mime: string; filename: string | null }
  | { kind: 'other'; type: string }

interface Layout {
  jsonBytes: number
  mime: string
  filename: string | null
  size: number
  /** Byte offset of the base64 payload in the stored JSON, and its length. */
  payloadAt: number
  payloadChars: number
  etag: string
}

const layouts = createLru<Layout>(REMEMBERED)
/** By the same key as `layouts`, each checked against its layout's size before use. */
const decoded = createLru<Buffer>(REMEMBERED, { max: KEPT_TOTAL_BYTES, weigh: (b) => b.length })

export async function openPartRaw(reader: StorageReader, sessionId: string, messageId: string, partId: string): Promise<ReadResult<PartRaw | null>> {
  const opened = await reader.partBytes(sessionId, messageId, partId)
  if (!opened.ok || !opened.value) return opened as ReadResult<null>
  const bytes = opened.value
  const key = `${reader.location}\u0000${sessionId}/${messageId}/${partId}`
  let layout = layouts.get(key)
  if (!layout || layout.jsonBytes !== bytes.size) {
    let measured: Exclude<PartRaw, { kind: 'data' }> | Layout
    try {
      measured = await measure(bytes, partId)
    } catch (err) {
      bytes.close()
      return { ok: false, reason: err instanceof Error ? err.message : String(err), consistency: null }
    }
    if (!('payloadAt' in measured)) {
      bytes.close()
      return { ok: true, value: measured, consistency: null }
    }
    layout = measured
    layouts.set(key, layout)
  }
  const l = layout
  const kept = decoded.get(key)
  const keepable = (start: number, end: number) => start === 0 && end === l.size - 1 && l.size <= KEPT_PART_BYTES
  const stream =
    kept?.length === l.size
      ? (start: number, end: number) => fromMemory(bytes, kept, start, end)
      : (start: number, end: number) => decode(bytes, l, start, end, keepable(start, end) ? (whole) => decoded.set(key, whole) : null)
  return { ok: true, consistency: null, value: { kind: 'data', mime: l.mime, filename: l.filename, size: l.size, etag: l.etag, stream, close: () => bytes.close() } }
}

async function* fromMemory(bytes: PartBytes, kept: Buffer, start: number, end: number): AsyncGenerator<Buffer> {
  try {
    yield kept.subarray(start, end + 1)
  } finally {
    bytes.close()
  }
}

async function measure(bytes: PartBytes, partId: string): Promise<Exclude<PartRaw, { kind: 'data' }> | Layout> {
  const elider = createElider(KEEP_BYTES)
  for (let at = 0; at < bytes.size; at += SLICE_BYTES) elider.feed(await bytes.read(at, SLICE_BYTES))
  const part = elider.finish() as Record<string, unknown>
  const type = typeof part.type === 'string' ? part.type : 'unknown'
  if (type !== 'file') return { kind: 'other', type }
  const url = part.url as Text | undefined
  const isUrl = url !== undefined && (typeof url === 'string' || isLong(url))
  const mime = typeof part.mime === 'string' ? part.mime : null
  const filename = typeof part.filename === 'string' ? part.filename : null
  const info = isUrl ? dataUrlInfo(url) : null
  if (!info) {
    const plain = typeof url === 'string' ? url : ''
    return { kind: 'file', url: plain, mime: mime ?? 'application/octet-stream', filename }
  }
  if (typeof url === 'string') {
    // a short data URL: find it in the JSON text (it has no escapes: base64 and a mime type)
    const text = (await bytes.read(0, bytes.size)).toString('latin1')
    const at = text.indexOf(JSON.stringify(url))
    if (at < 0) throw new Error('data URL not found in the stored part')
    return layoutOf(bytes.size, mime ?? info.mime, filename, info.size, at + 1 + info.payloadStart, info.payloadChars, partId, url.slice(-16))
  }
  if (!isLong(url)) throw new Error('unexpected url value')
  return layoutOf(bytes.size, mime ?? info.mime, filename, info.size, url.start + info.payloadStart, info.payloadChars, partId, url.tail)
}

function layoutOf(
  jsonBytes: number,
  mime: string,
  filename: string | null,
  size: number,
  payloadAt: number,
  payloadChars: number,
  partId: string,
  tail: string,
): Layout {
  const tag = createHash('sha256').update(`${partId}\u0000${jsonBytes}\u0000${size}\u0000${tail}`).digest('base64url').slice(0, 22)
  return { jsonBytes, mime, filename, size, payloadAt, payloadChars, etag: `"${tag}"` }
}

/** Streams decoded bytes [start, end]; `keep` gets the whole part once it has all been decoded (never a part of it). */
async function* decode(bytes: PartBytes, layout: Layout, start: number, end: number, keep: ((whole: Buffer) => void) | null): AsyncGenerator<Buffer> {
  const pieces: Buffer[] = []
  try {
    const { chars, drop } = payloadOffsetFor(start)
    let skip = drop
    let remaining = end - start + 1
    const payloadEnd = layout.payloadAt + layout.payloadChars
    const decoder = createBase64Decoder()
    for (let at = layout.payloadAt + chars; at < payloadEnd && remaining > 0; at += SLICE_BYTES) {
      const slice = await bytes.read(at, Math.min(SLICE_BYTES, payloadEnd - at))
      if (slice.length === 0) break
      let out = decoder.write(slice)
      if (at + slice.length >= payloadEnd) out = Buffer.concat([out, decoder.end()])
      if (skip > 0) {
        const n = Math.min(skip, out.length)
        out = out.subarray(n)
        skip -= n
      }
      if (out.length > remaining) out = out.subarray(0, remaining)
      remaining -= out.length
      if (out.length > 0) {
        if (keep) pieces.push(out)
        yield out
      }
    }
    if (keep && remaining === 0) keep(Buffer.concat(pieces))
  } finally {
    bytes.close()
  }
}
