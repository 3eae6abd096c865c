// One part of a message, whole (GET …/part/:pid, OpenCode 1.18's own route, answered from storage first),
// and a file part's bytes (GET …/part/:pid/raw, Studio's): a data URL decoded as it streams from storage,
// or a file:// URL's file when it lies inside the session's workspace. The raw route is what pruned pages
// and the slim stream point file parts at, so a browser fetches an image like any other: cached, ranged.

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { confineExisting } from '../../lib/confine.js'
import { defineError } from '../../lib/errors.js'
import type { SessionIndex } from '../../sessions/index.js'
import type { Forward } from './proxy.js'

export interface PartRoutesOptions {
  index: SessionIndex
  forward: Forward
  /** Home for `~` in confinement (OpenCode's HOME). */
  home: string
}

const partNotFound = defineError('part_not_found', 404, (id: string) => `Part not found: ${id}`)
const partHasNoBytes = defineError('part_has_no_bytes', 400, (detail: string) => `This part has no bytes to serve: ${detail}`)
const partFileOutside = defineError('part_file_outside_workspace', 403, (path: string) => `The part's file is outside its session's workspace: ${path}`)
const rangeNotSatisfiable = defineError('range_not_satisfiable', 416, (size: number) => `Range not satisfiable (size ${size})`)
const storageUnavailable = defineError('storage_unavailable', 503, (reason: string) => `OpenCode's storage cannot be read right now: ${reason}`)

const ID_RE = /^[\w-]+$/
type PartParams = { Params: { id: string; mid: string; pid: string } }

export async function partRoutes(app: FastifyInstance, options: PartRoutesOptions): Promise<void> {
  const { index, forward } = options

  app.get<PartParams>('/api/session/:id/message/:mid/part/:pid', async (request, reply) => {
    const { id, mid, pid } = request.params
    if (![id, mid, pid].every((x) => ID_RE.test(x))) return forward(request, reply)
    const read = await index.readPart(id, mid, pid)
    // storage cannot say (unavailable, or not written yet): OpenCode can
    if (!read.ok || !read.value) return forward(request, reply)
    return read.value
  })

  app.get<PartParams>('/api/session/:id/message/:mid/part/:pid/raw', { config: { compress: false } }, async (request, reply) => {
    const { id, mid, pid } = request.params
    if (![id, mid, pid].every((x) => ID_RE.test(x))) throw partNotFound(pid)
    const read = await index.partRaw(id, mid, pid)
    if (!read.ok) throw storageUnavailable(read.reason)
    const raw = read.value
    if (!raw) throw partNotFound(pid)
    if (raw.kind === 'other') throw partHasNoBytes(`it is a ${raw.type} part`)
    if (raw.kind === 'file') return sendFile(request, reply, raw, await workspaceOf(index, id), options.home)
    reply.header('cache-control', 'private, immutable, max-age=31536000')
    disposition(reply, raw.filename)
    let range: { start: number; end: number } | null
    try {
      range = negotiate(request, reply, raw.size, raw.etag, raw.mime)
    } catch (err) {
      raw.close()
      throw err
    }
    if (range === null || request.method === 'HEAD') {
      raw.close()
      return reply.send()
    }
    return reply.send(Readable.from(raw.stream(range.start, range.end)))
  })
}

async function workspaceOf(index: SessionIndex, sessionId: string): Promise<string | null> {
  const known = index.get(sessionId)?.directory
  if (known) return known
  const read = await index.readSession(sessionId)
  return read.ok && typeof read.value?.directory === 'string' ? read.value.directory : null
}

async function sendFile(
  request: FastifyRequest,
  reply: FastifyReply,
  raw: { url: string; mime: string; filename: string | null },
  workspace: string | null,
  home: string,
): Promise<FastifyReply> {
  let path: string
  try {
    path = fileURLToPath(raw.url)
  } catch {
    throw partHasNoBytes('its URL is neither a data URL nor a file URL')
  }
  if (!workspace) throw partFileOutside(path)
  const confined = await confineExisting(path, workspace, home)
  if (!confined.ok) throw confined.reason === 'missing' ? partNotFound(path) : partFileOutside(path)
  const info = await stat(confined.realPath)
  if (!info.isFile()) throw partHasNoBytes('its file is not a regular file')
  // the file may change: revalidate each time (the ETag makes that cheap)
  reply.header('cache-control', 'private, no-cache')
  disposition(reply, raw.filename)
  const etag = `"${info.ino.toString(36)}-${info.size.toString(36)}-${Math.floor(info.mtimeMs * 1000).toString(36)}"`
  const range = negotiate(request, reply, info.size, etag, raw.mime)
  if (range === null || request.method === 'HEAD' || info.size === 0) return reply.send()
  return reply.send(createReadStream(confined.realPath, { start: range.start, end: range.end }))
}

function disposition(reply: FastifyReply, filename: string | null): void {
  if (filename) reply.header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(filename)}`)
}

/**
 * Sets status and headers for a conditional / ranged GET: 304 on a matching If-None-Match, 206 for one
 * satisfiable `bytes=` range (several ranges, or an If-Range that does not match, get the whole body),
 * 416 for an unsatisfiable one. Returns the byte span to send, or null when there is no body.
 */
function negotiate(request: FastifyRequest, reply: FastifyReply, size: number, etag: string, mime: string): { start: number; end: number } | null {
  reply.header('etag', etag)
  reply.header('accept-ranges', 'bytes')
  const inm = request.headers['if-none-match']
  if (typeof inm === 'string' && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    reply.code(304)
    return null
  }
  reply.type(mime)
  const header = request.headers.range
  const ifRange = request.headers['if-range']
  const spec = typeof header === 'string' && (ifRange === undefined || ifRange === etag) ? parseRange(header, size) : 'none'
  if (spec === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`)
    throw rangeNotSatisfiable(size)
  }
  if (spec === 'none') {
    reply.header('content-length', String(size))
    return size === 0 ? null : { start: 0, end: size - 1 }
  }
  reply.code(206)
  reply.header('content-range', `bytes ${spec.start}-${spec.end}/${size}`)
  reply.header('content-length', String(spec.end - spec.start + 1))
  return spec
}

/** One `bytes=` range (RFC 9110 §14.1.2); 'none' for anything this route answers with the whole body. */
export function parseRange(header: string, size: number): { start: number; end: number } | 'none' | 'unsatisfiable' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return 'none'
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return 'unsatisfiable'
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size) return 'unsatisfiable'
  if (end < start) return 'none'
  return { start, end }
}
