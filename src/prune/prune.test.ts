import { describe, expect, it } from 'vitest'
import { createElider, dataUrlInfo, isLong, prunePart, type LongString } from './index.js'

function elide(json: string, keep: number, chunk: number): unknown {
  const e = createElider(keep)
  const bytes = Buffer.from(json)
  for (let i = 0; i < bytes.length; i += chunk) e.feed(bytes.subarray(i, i + chunk))
  return e.finish()
}

describe('eliding reader', () => {
  const long = 'line "one"\n\tü€😀 \\ end\u0001'.repeat(400)
  const doc = { a: 'short "q" \\ ü', n: [1, 2, { b: null, t: true }], big: long, url: `data:image/png;base64,${'QUJD'.repeat(1000)}QQ==` }
  const json = JSON.stringify(doc)

  it.each([1, 2, 3, 7, 64, 100_000])('keeps short values and describes long ones, in chunks of %i bytes', (chunk) => {
    const out = elide(json, 1024, chunk) as Record<string, unknown>
    expect(out.a).toBe(doc.a)
    expect(out.n).toEqual(doc.n)
    const big = out.big as LongString
    expect(isLong(big)).toBe(true)
    expect(big.bytes).toBe(Buffer.byteLength(long))
    expect(long.startsWith(big.head)).toBe(true)
    expect(big.head.length).toBeGreaterThan(500)
    expect(json.slice(0, 0) + Buffer.from(json).subarray(big.start, big.start + big.rawBytes).toString()).toBe(JSON.stringify(long).slice(1, -1))
    const url = out.url as LongString
    expect(url.tail.endsWith('QQ==')).toBe(true)
    expect(dataUrlInfo(url)).toEqual({ mime: 'image/png', payloadStart: 22, payloadChars: 4004, size: 3001 })
  })

  it('keeps everything when nothing is long', () => {
    expect(elide(json, 1 << 20, 5)).toEqual(doc)
  })
})

describe('pruning rules', () => {
  const ids = { id: 'prt_1', sessionID: 'ses_1', messageID: 'msg_1' }
  const limit = { limitBytes: 8192 }

  it('replaces a data URL by the raw route and its decoded size', () => {
    const part = { ...ids, type: 'file', mime: 'image/png', filename: 'a.png', url: `data:image/png;base64,${Buffer.alloc(5000, 7).toString('base64')}` }
    const out = prunePart(part, limit)
    expect(out).toEqual({ ...part, url: '/api/session/ses_1/message/msg_1/part/prt_1/raw', size: 5000, studio: { pruned: true, fields: ['url'] } })
  })

  it('cuts tool output and drops large metadata and input values', () => {
    const output = 'x'.repeat(200_000)
    const part = {
      ...ids,
      type: 'tool',
      tool: 'write',
      state: { status: 'completed', input: { filePath: '/a', content: output }, output, metadata: { diff: output, exit: 0, filediff: { before: output, file: '/a' } } },
    }
    const out = prunePart(part, limit) as { state: Record<string, unknown>; studio: unknown }
    expect(out.state.output).toBe('x'.repeat(8192))
    expect(out.state.input).toEqual({ filePath: '/a' })
    expect(out.state.metadata).toEqual({ exit: 0, filediff: { file: '/a' } })
    expect(out.studio).toEqual({
      pruned: true,
      outputBytes: 200_000,
      fields: ['state.output', 'state.metadata.diff', 'state.metadata.filediff.before', 'state.input.content'],
    })
    expect(part.state.output.length).toBe(200_000) // input untouched
  })

  it('cuts reasoning on a character boundary, never text', () => {
    const text = '€'.repeat(5000)
    const r = prunePart({ ...ids, type: 'reasoning', text }, limit) as { text: string; studio: unknown }
    expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(8192)
    expect(text.startsWith(r.text)).toBe(true)
    expect(r.studio).toEqual({ pruned: true, outputBytes: 15000, fields: ['text'] })
    const t = { ...ids, type: 'text', text }
    expect(prunePart(t, limit)).toBe(t)
  })

  it('leaves small parts as they are (same object)', () => {
    const part = { ...ids, type: 'tool', state: { status: 'completed', output: 'ok', input: {}, metadata: {} } }
    expect(prunePart(part, limit)).toBe(part)
  })
})
