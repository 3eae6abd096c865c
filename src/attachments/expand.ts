// Turns a prompt body with `serverPath` file parts into the body OpenCode gets, as a stream: the JSON text
// around each attachment, and each attachment's base64 read straight from its blob file. A 50 MB
// attachment therefore costs Studio a file stream's buffer, not 67 MB of string. Every part is checked
// (and encoded, on a miss) before the first byte is sent, so a bad part stops the whole prompt.

import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { AttachmentCache, BlobRef } from './cache.js'
import { invalidPrompt } from './errors.js'
import { resolveServerPath, type FileContext } from './server-path.js'

export interface ExpandedPrompt {
  body: Readable
  contentLength: number
  /** Parts served from the cache / encoded now (for logs and tests). */
  hits: number
  misses: number
  /** Lets the blobs be evicted again; call once the request is over, whether or not the body was read. */
  release(): void
}

type Piece = Buffer | BlobRef

export async function expandPrompt(input: unknown, cache: AttachmentCache, ctx: FileContext): Promise<ExpandedPrompt> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidPrompt('expected a JSON object')
  const body = input as Record<string, unknown>
  if (body.parts !== undefined && !Array.isArray(body.parts)) throw invalidPrompt('"parts" must be an array')
  const parts = (body.parts ?? []) as unknown[]

  const token = `ocs-blob-${randomBytes(8).toString('hex')}-`
  const blobs: BlobRef[] = []
  const release: (() => void)[] = []
  let hits = 0
  let misses = 0
  try {
    for (const raw of parts) {
      if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== 'file') continue
      const part = raw as Record<string, unknown>
      const serverPath = typeof part.serverPath === 'string' ? part.serverPath.trim() : ''
      const hasUrl = typeof part.url === 'string' && part.url.trim() !== ''
      delete part.serverPath
      if (hasUrl || serverPath === '') continue
      const file = await resolveServerPath(serverPath, part, ctx)
      let blob: BlobRef | null
      try {
        blob = cache.lookup(file.key)
        if (blob) hits++
        else {
          blob = await cache.encode(file.key, file.handle)
          misses++
        }
      } finally {
        await file.close()
      }
      release.push(cache.pin(blob.digest))
      part.mime = file.key.mime
      part.filename = file.filename
      part.url = `data:${file.key.mime};base64,${token}${blobs.length}`
      blobs.push(blob)
    }
  } catch (err) {
    for (const r of release) r()
    throw err
  }

  // Base64 needs no escaping inside a JSON string, so a blob's text can stand in for the placeholder.
  const text = JSON.stringify(body)
  const pieces: Piece[] = []
  let at = 0
  for (let i = 0; i < blobs.length; i++) {
    const mark = `${token}${i}`
    const found = text.indexOf(mark, at)
    pieces.push(Buffer.from(text.slice(at, found)), blobs[i]!)
    at = found + mark.length
  }
  pieces.push(Buffer.from(text.slice(at)))
  const contentLength = pieces.reduce((n, p) => n + (Buffer.isBuffer(p) ? p.length : p.b64Bytes), 0)

  async function* stream(): AsyncGenerator<Buffer> {
    try {
      for (const piece of pieces) {
        if (Buffer.isBuffer(piece)) yield piece
        else for await (const chunk of cache.open(piece)) yield chunk as Buffer
      }
    } finally {
      for (const r of release) r()
    }
  }
  return {
    body: Readable.from(stream(), { objectMode: false }),
    contentLength,
    hits,
    misses,
    release: () => release.forEach((r) => r()),
  }
}
