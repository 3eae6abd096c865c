import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createJsonFileCache, isTruncation } from './read-json.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocs-json-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, text: string, mtimeS?: number): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  if (mtimeS !== undefined) utimesSync(path, mtimeS, mtimeS)
  return path
}

describe('isTruncation', () => {
  it.each([
    ['{"a":1', true],
    ['{"a":"hel', true],
    ['{"a":', true],
    ['{"a":[1,2', true],
    ['{"a":1}}', false],
    ['{"a":1 "b":2}', false],
  ])('%j → %s', (text, expected) => {
    let message = ''
    try {
      JSON.parse(text)
    } catch (err) {
      message = (err as Error).message
    }
    expect(isTruncation(message, text)).toBe(expected)
  })
})

describe('tolerant JSON reads', () => {
  it('parses, and serves the cached value while mtime and size are unchanged', async () => {
    const cache = createJsonFileCache(10)
    const path = write('a.json', '{"v":1}', 1000)
    expect(await cache.read(path)).toEqual({ ok: true, value: { v: 1 }, stale: false })
    write('a.json', '{"v":2}', 1000) // same size, same mtime: the cache cannot tell, by design
    expect(await cache.read(path)).toEqual({ ok: true, value: { v: 1 }, stale: false })
    write('a.json', '{"v":3}', 2000)
    expect(await cache.read(path)).toEqual({ ok: true, value: { v: 3 }, stale: false })
  })

  it('serves the last good copy of a file caught mid-rewrite', async () => {
    const cache = createJsonFileCache(10)
    const path = write('a.json', '{"title":"good"}', 1000)
    await cache.read(path)
    write('a.json', '{"title":"go', 2000)
    expect(await cache.read(path)).toEqual({ ok: true, value: { title: 'good' }, stale: true })
    write('a.json', '', 3000)
    expect(await cache.read(path)).toEqual({ ok: true, value: { title: 'good' }, stale: true })
  })

  it('retries a half-written file it never saw complete, then reports it as transient', async () => {
    const cache = createJsonFileCache(10)
    const path = write('b.json', '{"title":"ha')
    const started = performance.now()
    const read = await cache.read(path)
    expect(read).toMatchObject({ ok: false, kind: 'transient' })
    expect(performance.now() - started).toBeGreaterThanOrEqual(30)
  })

  it('tells malformed, missing and unreadable files apart', async () => {
    const cache = createJsonFileCache(10)
    expect(await cache.read(write('c.json', '{"a":1}}'))).toMatchObject({ ok: false, kind: 'parse' })
    expect(await cache.read(join(dir, 'missing.json'))).toMatchObject({ ok: false, kind: 'missing' })
    expect(await cache.read(dir)).toMatchObject({ ok: false, kind: 'io' })
  })

  it('keeps at most maxEntries parsed files', async () => {
    const cache = createJsonFileCache(2)
    for (const n of ['1', '2', '3']) await cache.read(write(`${n}.json`, `{"n":${n}}`))
    expect(cache.size).toBe(2)
  })
})
