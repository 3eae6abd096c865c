import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { get as httpGet } from 'node:http'
import type { AddressInfo } from 'node:net'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import compress from '@fastify/compress'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sidebarPagePath } from './boot-data.js'
import { staticRoutes } from './static.js'

// Studio's routes stood in for by a few of the same paths: what is tested is the embedding (which answers,
// with which seq, escaped how, within which budget), not the routes themselves (their own tests).
let root: string
let app: FastifyInstance
let calls: string[]
let brokenAttention: boolean
const TITLE = 'x</script><script>alert(1)</script>&\u2028'

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'ocs-boot-'))
  writeFileSync(join(root, 'index.html'), '<html><head><!--studio-boot--><script>inline()</script></head><body></body></html>')
  calls = []
  brokenAttention = false
  app = Fastify()
  // as Studio's server registers it (src/http/server.ts): index.html must not be compressed twice
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] })
  app.addHook('onRequest', async (request, reply) => {
    calls.push(request.url)
    if (request.url.startsWith('/api/') && request.headers.cookie !== 'ok=1') return reply.code(401).send({ error: 'no', code: 'auth_required' })
  })
  app.get('/health', async () => ({ status: 'ok' }))
  app.get('/api/opencode-studio/directories', async (_r, reply) => {
    reply.header('x-opencode-studio-seq', '41')
    return [{ directory: '/w/a' }, { directory: '/w/b c' }, { directory: '/w/third' }]
  })
  app.get('/api/session/status', async () => ({}))
  app.get('/api/attention', async (_r, reply) => (brokenAttention ? reply.type('application/json').send('[{"id":') : []))
  app.get('/api/session', async (request, reply) => {
    reply.header('x-opencode-studio-seq', '42').header('x-next-cursor', 'c1')
    const q = request.query as { directory: string }
    return { sessions: [{ id: `ses_${q.directory}`, title: TITLE }], total: 1, hasMore: false }
  })
  app.get('/api/session/:id', async (request) => ({ id: (request.params as { id: string }).id }))
  app.get('/api/session/:id/message', () => new Promise(() => undefined)) // never answers
  await app.register(staticRoutes, { root })
})

afterEach(async () => {
  await app.close()
  rmSync(root, { recursive: true, force: true })
})

function boot(html: string): Record<string, { status: number; headers: Record<string, string>; data: any }> {
  const m = /<script type="application\/json" id="studio-boot">(.*?)<\/script>/s.exec(html)
  if (!m) throw new Error('no boot block')
  return JSON.parse(m[1]!)
}

describe('index.html with the first screen embedded', () => {
  it("embeds the answers the home screen asks for first, with the request's credentials, in the app's exact paths", async () => {
    const res = await app.inject({ url: '/', headers: { cookie: 'ok=1' } })
    expect(res.statusCode).toBe(200)
    const answers = boot(res.body)
    expect(Object.keys(answers).sort()).toEqual(
      ['/health', '/api/opencode-studio/directories', '/api/session/status?local=true', '/api/attention?local=true', sidebarPagePath('/w/a'), sidebarPagePath('/w/b c')].sort(),
    )
    expect(answers['/api/opencode-studio/directories']!.headers['x-opencode-studio-seq']).toBe('41')
    expect(answers[sidebarPagePath('/w/b c')]!.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'x-opencode-studio-seq': '42', 'x-next-cursor': 'c1' })
    expect(answers[sidebarPagePath('/w/a')]!.data.sessions[0].title).toBe(TITLE) // a value, not JSON in a string
    expect(answers['/api/opencode-studio/directories']!.data).toEqual([{ directory: '/w/a' }, { directory: '/w/b c' }, { directory: '/w/third' }])
    expect(sidebarPagePath('/w/b c')).toBe('/api/session?directory=%2Fw%2Fb+c&roots=true&includeChildren=true&limit=50&offset=0&includeTotal=true')
    expect(res.body).not.toContain('<!--studio-boot-->')
    expect(res.body.indexOf('studio-boot')).toBeLessThan(res.body.indexOf('inline()'))
  })

  it('cannot be broken out of by the data: no <, > or & from an answer is left raw', async () => {
    const res = await app.inject({ url: '/', headers: { cookie: 'ok=1' } })
    const block = /id="studio-boot">(.*?)<\/script>/s.exec(res.body)![1]!
    expect(block).not.toMatch(/[<>&\u2028]/)
    expect(res.body.match(/<script/g)).toHaveLength(2) // the boot block and the inline script, nothing injected
  })

  it('leaves out an answer that is not JSON, so it cannot break the block, and keeps the rest', async () => {
    brokenAttention = true
    const answers = boot((await app.inject({ url: '/', headers: { cookie: 'ok=1' } })).body)
    expect(answers['/api/attention?local=true']).toBeUndefined()
    expect(answers['/api/session/status?local=true']!.data).toEqual({})
  })

  it('embeds nothing a request without credentials may not read', async () => {
    const res = await app.inject({ url: '/' })
    expect(boot(res.body)).toEqual({ '/health': expect.objectContaining({ status: 200 }) })
  })

  it('goes out within its budget without the answers that are late, and leaves those to the page', async () => {
    const started = Date.now()
    const res = await app.inject({ url: '/session/ses_1', headers: { cookie: 'ok=1' } })
    expect(Date.now() - started).toBeLessThan(2000)
    const answers = boot(res.body)
    expect(answers['/api/session/ses_1']).toBeDefined()
    expect(answers['/api/session/ses_1/message?limit=50&includeTotal=true&prune=true']).toBeUndefined()
    expect(calls).toContain('/api/session/ses_1/message?limit=50&includeTotal=true&prune=true')
  })

  it('sends what comes before the marker at once, and the answers and the rest once they are collected', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as AddressInfo
    // the message page never answers: the second piece waits for the budget
    const pieces = await new Promise<string[]>((resolve, reject) => {
      const out: string[] = []
      httpGet(`http://127.0.0.1:${port}/session/ses_1`, { headers: { cookie: 'ok=1' } }, (res) => {
        res.setEncoding('utf8')
        res.on('data', (c: string) => out.push(c))
        res.on('end', () => resolve(out))
      }).on('error', reject)
    })
    expect(pieces[0]).toBe('<html><head>')
    expect(pieces.length).toBeGreaterThan(1)
    expect(Object.keys(boot(pieces.join('')))).toContain('/api/session/ses_1')
  })

  it('compresses the pieces as one stream that decodes to the whole page', async () => {
    for (const [encoding, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const res = await app.inject({ url: '/', headers: { cookie: 'ok=1', 'accept-encoding': encoding } })
      expect(res.headers['content-encoding']).toBe(encoding)
      expect(res.headers.vary).toContain('accept-encoding')
      const html = decode(res.rawPayload).toString('utf8')
      expect(boot(html)['/api/opencode-studio/directories']!.data).toHaveLength(3)
      expect(html.endsWith('<script>inline()</script></head><body></body></html>')).toBe(true)
    }
  })

  it('leaves an index.html without the marker as it is', async () => {
    writeFileSync(join(root, 'index.html'), '<html><body>plain</body></html>')
    const fresh = Fastify()
    await fresh.register(staticRoutes, { root })
    const res = await fresh.inject({ url: '/' })
    expect(res.body).toBe('<html><body>plain</body></html>')
    await fresh.close()
  })
})
