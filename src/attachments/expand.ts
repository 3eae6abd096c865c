// Turns a prompt body as it streams in into the body OpenCode gets. Bytes Studio does not change pass
// through as they arrived (prompt-scan.ts); each `serverPath` file part is replaced by the same part with
// a data URL whose base64 text is streamed straight from its blob file. A 50 MB attachment therefore
// costs Studio a file stream's buffer, not 67 MB of string, and a body without serverPath is never parsed.
//
// preparePrompt reads ahead until the body has ended or `peekBytes` of it are waiting, so for every
// ordinary prompt all parts are checked (and encoded, on a miss) before OpenCode sees a byte: a bad part
// stops the whole prompt. Only a body longer than that starts flowing before its end is read; a bad part
// found later fails the body stream, which aborts the upstream request (OpenCode stores nothing).

import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { AttachmentCache, BlobRef } from './cache.js'
import { invalidPrompt } from './errors.js'
import { createPromptScanner, type Segment } from './prompt-scan.js'
import { resolveServerPath, type FileContext } from './server-path.js'

/** A part carrying a serverPath is small; anything bigger streams on unchanged. */
const HOLD_LIMIT_BYTES = 1024 * 1024
/** Deepest nesting Studio re-serialises in a part it changes (JSON.stringify recurses). */
const MAX_PART_DEPTH = 64

export interface PreparedPrompt {
  body: Readable
  /** Known when the whole body was read ahead; null when it streams (chunked upstream). */
  contentLength: number | null
  /** Parts served from the cache / encoded now, so far (for logs and tests). */
  hits: number
  misses: number
  /** Lets the blobs be evicted again; call once the request is over, whether or not the body was read. */
  release(): void
}

export interface ExpandContext extends Omit<FileContext, 'workspace'> {
  /** The workspace serverPath parts resolve in; asked for only when a prompt has one (may throw). */
  workspace(): string
}

type Piece = Buffer | BlobRef

export async function preparePrompt(
  source: AsyncIterable<Buffer>,
  cache: AttachmentCache,
  ctx: ExpandContext,
  peekBytes: number,
): Promise<PreparedPrompt> {
  const counters = { hits: 0, misses: 0 }
  const releases: (() => void)[] = []
  const release = () => releases.splice(0).forEach((r) => r())
  const pieces = expandPieces(source, cache, ctx, counters, releases)
  const ahead: Piece[] = []
  let aheadBytes = 0
  let done = false
  try {
    while (aheadBytes <= peekBytes) {
      const next = await pieces.next()
      if (next.done) {
        done = true
        break
      }
      ahead.push(next.value)
      if (Buffer.isBuffer(next.value)) aheadBytes += next.value.length
    }
  } catch (err) {
    release()
    throw err
  }

  async function* stream(): AsyncGenerator<Buffer> {
    try {
      for (const piece of ahead.splice(0)) yield* emit(piece)
      if (!done) for await (const piece of pieces) yield* emit(piece)
    } finally {
      await pieces.return(undefined)
      release()
    }
  }
  async function* emit(piece: Piece): AsyncGenerator<Buffer> {
    if (Buffer.isBuffer(piece)) yield piece
    else for await (const chunk of cache.open(piece)) yield chunk as Buffer
  }
  return {
    body: Readable.from(stream(), { objectMode: false }),
    contentLength: done ? ahead.reduce((n, p) => n + (Buffer.isBuffer(p) ? p.length : p.b64Bytes), 0) : null,
    get hits() {
      return counters.hits
    },
    get misses() {
      return counters.misses
    },
    release,
  }
}

async function* expandPieces(
  source: AsyncIterable<Buffer>,
  cache: AttachmentCache,
  ctx: ExpandContext,
  counters: { hits: number; misses: number },
  releases: (() => void)[],
): AsyncGenerator<Piece> {
  const scanner = createPromptScanner(HOLD_LIMIT_BYTES)
  const expand = async function* (segments: Segment[]): AsyncGenerator<Piece> {
    for (const seg of segments) {
      if (seg.kind === 'bytes') yield seg.bytes
      else yield* expandPart(seg.bytes, seg.depth, cache, ctx, counters, releases)
    }
  }
  for await (const chunk of source) yield* expand(scanner.push(chunk))
  yield* expand(scanner.end())
}

/** One `parts` element holding a serverPath key → the pieces of the element OpenCode gets instead. */
async function* expandPart(
  bytes: Buffer,
  depth: number,
  cache: AttachmentCache,
  ctx: ExpandContext,
  counters: { hits: number; misses: number },
  releases: (() => void)[],
): AsyncGenerator<Piece> {
  if (depth > MAX_PART_DEPTH) throw invalidPrompt(`a part with "serverPath" is nested deeper than ${MAX_PART_DEPTH} levels`)
  let part: Record<string, unknown>
  try {
    part = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
  } catch {
    // not JSON: the body is broken anyway, and OpenCode says so
    yield bytes
    return
  }
  if (part.type !== 'file') {
    yield bytes
    return
  }
  const serverPath = typeof part.serverPath === 'string' ? part.serverPath.trim() : ''
  const hasUrl = typeof part.url === 'string' && part.url.trim() !== ''
  delete part.serverPath
  if (hasUrl || serverPath === '') {
    yield Buffer.from(JSON.stringify(part))
    return
  }
  const file = await resolveServerPath(serverPath, part, { workspace: ctx.workspace(), home: ctx.home, maxFileBytes: ctx.maxFileBytes })
  // read only through the descriptor that was checked (a symlink swapped in meanwhile cannot redirect it);
  // the blob is pinned the moment it is known, so no eviction (another request's) can take it before it is sent
  let blob: BlobRef
  try {
    const hit = cache.lookup(file.key)
    if (hit) {
      releases.push(cache.pin(hit.digest))
      counters.hits++
      blob = hit
    } else {
      const made = await cache.encode(file.key, file.handle)
      releases.push(made.release)
      counters.misses++
      blob = made
    }
  } finally {
    await file.close()
  }
  // Base64 needs no escaping inside a JSON string, so the blob's text can stand in for the placeholder.
  const mark = `ocs-blob-${randomBytes(8).toString('hex')}`
  part.mime = file.key.mime
  part.filename = file.filename
  part.url = `data:${file.key.mime};base64,${mark}`
  const text = JSON.stringify(part)
  const at = text.indexOf(mark)
  yield Buffer.from(text.slice(0, at))
  yield blob
  yield Buffer.from(text.slice(at + mark.length))
}
