import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import compress from '@fastify/compress'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toErrorReply } from './errors.js'
import { acceptsEncoding, staticRoutes } from './static.js'

let root: string
const BIG = Buffer.from('export const rows = [' + Array.from({ length: 2000 }, (_, i) => `{id:${i}}`).join(',') + ']\n')
let app: FastifyInstance

async function build(dir: string, options: { compress?: boolean } = {}): Promise<FastifyInstance> {
  const f = Fastify()
  // as Studio's server registers it (src/http/server.ts)
  if (options.compress) await f.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] })
  f.setErrorHandler((err, _request, reply) => {
    const out = toErrorReply(err)
    return reply.code(out.statusCode).send(out.body)
  })
  f.get('/health', async () => ({ ok: true }))
  f.all('/api/*', async () => ({ proxied: true }))
  await f.register(staticRoutes, { root: dir })
  return f
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ocs-static-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="app"></div>')
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)')
  writeFileSync(join(root, 'favicon.svg'), '<svg/>')
  // as the build writes them (web/vite.config.ts)
  writeFileSync(join(root, 'assets', 'big-abc123.js'), BIG)
  writeFileSync(join(root, 'assets', 'big-abc123.js.br'), brotliCompressSync(BIG))
  writeFileSync(join(root, 'assets', 'big-abc123.js.gz'), gzipSync(BIG))
  writeFileSync(join(tmpdir(), 'ocs-static-secret.txt'), 'TOP-SECRET-CONTENT')
  app = await build(root)
})

afterAll(async () => {
  await app.close()
  rmSync(root, { recursive: true, force: true })
})

describe('the web UI route', () => {
  it('answers / and deep links with index.html, never cached', async () => {
    for (const url of ['/', '/session/ses_abc', '/session/ses_abc?x=1']) {
      const res = await app.inject({ url })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toContain('text/html')
      expect(res.headers['cache-control']).toContain('no-cache')
      expect(res.body).toContain('<div id="app">')
    }
  })

  it('serves hashed assets as immutable and other files revalidated', async () => {
    const asset = await app.inject({ url: '/assets/index-abc123.js' })
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['content-type']).toContain('text/javascript')
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const icon = await app.inject({ url: '/favicon.svg' })
    expect(icon.headers['cache-control']).toBe('no-cache')
  })

  it('leaves /api and /health alone and 404s missing files and escapes', async () => {
    expect((await app.inject({ url: '/api/anything' })).json()).toEqual({ proxied: true })
    expect((await app.inject({ url: '/health' })).json()).toEqual({ ok: true })
    expect((await app.inject({ url: '/auth/nothing' })).statusCode).toBe(404)
    expect((await app.inject({ url: '/metrics/x' })).statusCode).toBe(404)
    expect((await app.inject({ url: '/assets/missing-1.js' })).statusCode).toBe(404)
    const escape = await app.inject({ url: '/..%2F..%2Focs-static-secret.txt' })
    expect(escape.statusCode).toBe(404)
    expect(escape.body).not.toContain('TOP-SECRET-CONTENT')
  })

  it('says the UI is not built when web/dist is missing', async () => {
    const bare = await build(join(root, 'nope'))
    const res = await bare.inject({ url: '/session/x' })
    expect(res.statusCode).toBe(503)
    expect(res.json().code).toBe('ui_not_built')
    await bare.close()
  })

  it('sends an asset as the build compressed it (brotli, else gzip), byte for byte, and as it is to a client that takes neither', async () => {
    const packed = (suffix: string) => readFileSync(join(root, 'assets', `big-abc123.js${suffix}`))
    for (const withCompression of [false, true]) {
      const f = await build(root, { compress: withCompression })
      const br = await f.inject({ url: '/assets/big-abc123.js', headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } })
      expect(br.headers['content-encoding']).toBe('br')
      expect(br.headers.vary).toContain('accept-encoding')
      expect(br.headers['content-type']).toContain('text/javascript')
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable')
      expect(br.rawPayload.equals(packed('.br'))).toBe(true) // not compressed again on the way out
      expect(brotliDecompressSync(br.rawPayload).equals(BIG)).toBe(true)
      for (const header of ['gzip', 'br;q=0, gzip;q=0.5']) {
        const gz = await f.inject({ url: '/assets/big-abc123.js', headers: { 'accept-encoding': header } })
        expect(gz.headers['content-encoding']).toBe('gzip')
        expect(gz.rawPayload.equals(packed('.gz'))).toBe(true)
        expect(gunzipSync(gz.rawPayload).equals(BIG)).toBe(true)
      }
      const plain = await f.inject({ url: '/assets/big-abc123.js', headers: { 'accept-encoding': 'identity' } })
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.rawPayload.equals(BIG)).toBe(true)
      await f.close()
    }
  })

  it('reads Accept-Encoding as HTTP does: names, q=0 refusals, and *', () => {
    expect(acceptsEncoding('gzip, deflate, br, zstd', 'br')).toBe(true)
    expect(acceptsEncoding('BR;Q=0.1', 'br')).toBe(true)
    expect(acceptsEncoding('br;q=0, gzip', 'br')).toBe(false)
    expect(acceptsEncoding('*', 'gzip')).toBe(true)
    expect(acceptsEncoding('*;q=0', 'gzip')).toBe(false)
    expect(acceptsEncoding('gzip;q=0, *', 'gzip')).toBe(false)
    expect(acceptsEncoding(undefined, 'gzip')).toBe(false)
    expect(acceptsEncoding('', 'br')).toBe(false)
  })
})
