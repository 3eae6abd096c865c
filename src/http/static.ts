// Serves the built web UI (web/dist) at `/`: hashed files under /assets/ are cached for a year
// (immutable), every other GET that is not Studio's or OpenCode's answers index.html, never cached, so
// deep links like /session/<id> reload into the same screen (history-mode fallback). Nothing is read at
// start-up: the index is read on first use, so start-up time does not change. Each index.html carries
// the first screen's data where its marker is (boot-data.ts). Assets go out compressed as the build wrote
// them (`.br`, `.gz` beside each: web/vite.config.ts), not compressed again per request.

import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { PassThrough, type Transform } from 'node:stream'
import { constants as zlib, createBrotliCompress, createGzip } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineError } from '../lib/errors.js'
import { bootBlock, collectBootAnswers } from './boot-data.js'
import { BROTLI_QUALITY, GZIP_LEVEL } from './compression.js'
import { routeNotFound } from './errors.js'

export const uiNotBuilt = defineError('ui_not_built', 503, 'The web UI is not built: run `npm run build:web` (npm ci does it)')

export interface StaticOptions {
  /** The folder holding index.html and assets/ (default: web/dist of this checkout). */
  root?: string
}

/** Where index.html takes the first screen's data (src/http/boot-data.ts). */
const BOOT_MARKER = '<!--studio-boot-->'

/** The encodings the build writes beside each asset, best first: name, file suffix. */
const PRECOMPRESSED = [
  ['br', '.br'],
  ['gzip', '.gz'],
] as const

/** Whether an Accept-Encoding header takes `encoding` (by name or `*`, with no `q=0`). */
export function acceptsEncoding(header: string | undefined, encoding: string): boolean {
  let star = false
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const q = params.find((p) => p.startsWith('q='))
    const takes = q === undefined || Number(q.slice(2)) > 0
    if (name === encoding) return takes
    if (name === '*') star = takes
  }
  return star
}

const DEFAULT_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url))
/** Paths that belong to Studio or OpenCode: never answered with the UI. */
const RESERVED = /^\/(api|auth|health|metrics)(\/|$)/
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

/**
 * The stream index.html goes out through: compressed here (the compression hook leaves a reply that has its
 * Content-Encoding alone), flushing at every write so the first piece is not held back by the compressor.
 */
function indexStream(acceptEncoding: string | undefined, reply: FastifyReply): Transform {
  reply.header('vary', 'accept-encoding')
  if (acceptsEncoding(acceptEncoding, 'br')) {
    reply.header('content-encoding', 'br')
    return createBrotliCompress({ flush: zlib.BROTLI_OPERATION_FLUSH, params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
  }
  if (acceptsEncoding(acceptEncoding, 'gzip')) {
    reply.header('content-encoding', 'gzip')
    return createGzip({ level: GZIP_LEVEL, flush: zlib.Z_SYNC_FLUSH })
  }
  return new PassThrough()
}

export async function staticRoutes(app: FastifyInstance, options: StaticOptions): Promise<void> {
  const root = options.root ?? DEFAULT_ROOT
  let index: Promise<string> | null = null
  const readIndex = (): Promise<string> => {
    // Re-read after a failure (the UI may be built while Studio runs).
    index ??= readFile(join(root, 'index.html'), 'utf8').catch((err: unknown) => {
      index = null
      throw err
    })
    return index
  }

  const sendIndex = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const html = await readIndex().catch(() => {
      throw uiNotBuilt()
    })
    reply.header('cache-control', 'no-cache, no-store, must-revalidate').type(TYPES['.html']!)
    const at = html.indexOf(BOOT_MARKER)
    if (at < 0) return reply.send(html)
    // Streamed in two pieces: what comes before the marker (the head, with its stylesheets and preloads)
    // goes out at once, so the browser commits a small document and fetches the app's code while Studio
    // collects the answers; the answers and the rest follow (boot-data.ts).
    const out = indexStream(request.headers['accept-encoding'], reply)
    out.write(html.slice(0, at))
    void collectBootAnswers(app, request)
      .catch(() => new Map())
      .then((answers) => {
        if (!out.destroyed) out.end(bootBlock(answers) + html.slice(at + BOOT_MARKER.length))
      })
    return reply.send(out)
  }

  const handler = async (path: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (RESERVED.test(path)) throw routeNotFound('GET', path)
    if (path === '/' || path === '/index.html') return sendIndex(request, reply)
    const ext = extname(path)
    // A path that names a file: serve it from dist when it is there (confined to dist), else 404.
    if (ext !== '') {
      const file = normalize(join(root, decodeURIComponent(path)))
      if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) throw routeNotFound('GET', path)
      const info = await stat(file).catch(() => null)
      if (!info?.isFile()) throw routeNotFound('GET', path)
      const immutable = path.startsWith('/assets/')
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').type(TYPES[ext] ?? 'application/octet-stream')
      if (immutable) {
        reply.header('vary', 'accept-encoding')
        for (const [encoding, suffix] of PRECOMPRESSED) {
          if (!acceptsEncoding(request.headers['accept-encoding'], encoding)) continue
          const packed = await stat(file + suffix).catch(() => null)
          if (!packed?.isFile()) continue
          // a reply that has its Content-Encoding is left alone by the compression hook (server.ts)
          return reply.header('content-encoding', encoding).header('content-length', packed.size).send(createReadStream(file + suffix))
        }
      }
      return reply.header('content-length', info.size).send(createReadStream(file))
    }
    // Anything else is a screen of the app.
    return sendIndex(request, reply)
  }

  app.get('/', (request, reply) => handler('/', request, reply))
  app.get('/*', (request, reply) => handler(request.url.split('?')[0] ?? '/', request, reply))
}
