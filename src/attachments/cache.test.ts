import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAttachmentCache, type AttachmentCache, type BlobRef, type SourceKey } from './cache.js'
import { openStudioDb, type StudioDb } from './db.js'

let dir: string
let db: StudioDb
let cache: AttachmentCache

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocs-cache-'))
  db = openStudioDb(dir)
  cache = createAttachmentCache(db, join(dir, 'attachments'), { maxBytes: 1000, maxAgeMs: 1000 })
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

function file(name: string, content: string): SourceKey {
  const path = join(dir, name)
  writeFileSync(path, content)
  const info = statSync(path, { bigint: true })
  return { realPath: path, size: Number(info.size), mtimeNs: info.mtimeNs, mime: 'text/plain' }
}

/** Encodes through an open descriptor, as the prompt path does (and lets the blob go at once). */
async function encode(key: SourceKey): Promise<BlobRef> {
  const handle = await open(key.realPath, 'r')
  try {
    const blob = await cache.encode(key, handle)
    blob.release()
    return blob
  } finally {
    await handle.close()
  }
}

describe('attachment cache', () => {
  it('encodes once, then serves the same blob for the same file version', async () => {
    const key = file('a.txt', 'hello')
    expect(cache.lookup(key)).toBeNull()
    const blob = await encode(key)
    expect(blob).toMatchObject({ rawBytes: 5, b64Bytes: 8 })
    expect(cache.lookup(key)).toMatchObject({ digest: blob.digest })
    expect(cache.lookup({ ...key, mtimeNs: key.mtimeNs + 1n })).toBeNull() // another version of the file
    expect(cache.lookup({ ...key, mime: 'text/markdown' })).toBeNull()
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 3, bytesServed: 8, bytesEncoded: 5, entries: 1, sources: 1 })
  })

  it('shares one blob between files with the same content', async () => {
    const one = await encode(file('one.txt', 'same'))
    const two = await encode(file('two.txt', 'same'))
    expect(two.digest).toBe(one.digest)
    expect(cache.stats()).toMatchObject({ entries: 1, sources: 2 })
  })

  it('evicts least recently used first by size, and by age, but never a pinned blob', async () => {
    const a = await encode(file('a.txt', 'a'.repeat(300))) // 400 base64 bytes each
    await encode(file('b.txt', 'b'.repeat(300)))
    const c = await encode(file('c.txt', 'c'.repeat(300))) // 1200 > 1000
    const release = cache.pin(a.digest) // a is oldest but in use
    expect(cache.evict()).toEqual({ count: 1, bytes: 400 })
    expect(cache.lookup(file('b.txt', 'b'.repeat(300)))).toBeNull() // b went instead
    release()
    expect(cache.evict(Date.now() + 5000)).toMatchObject({ count: 2 }) // everything is old now
    expect(cache.stats()).toMatchObject({ entries: 0, evictions: 3, evictedBytes: 1200 })
    expect(c.digest).not.toBe(a.digest)
  })

  it('sweeps what a crash left: temp files, unindexed blobs, rows without blobs', async () => {
    const kept = await encode(file('kept.txt', 'kept'))
    const gone = await encode(file('gone.txt', 'gone'))
    rmSync(gone.path)
    const blobs = join(dir, 'attachments', 'blobs')
    writeFileSync(join(blobs, '.ocs-tmp-upload.123'), 'partial')
    writeFileSync(join(blobs, kept.digest.slice(0, 2), 'f'.repeat(64)), 'orphan')
    expect(await cache.sweep()).toEqual({ temps: 1, orphanBlobs: 1, danglingRows: 1 })
    expect(cache.stats()).toMatchObject({ entries: 1, sources: 1 })
    expect(readdirSync(blobs).filter((n) => n.startsWith('.ocs-tmp-'))).toEqual([])
  })

  it('reads the descriptor it is given, not the path: a file swapped after the check is not what is encoded', async () => {
    const key = file('swap.txt', 'checked')
    const handle = await open(key.realPath, 'r')
    writeFileSync(join(dir, 'other.txt'), 'swapped in')
    renameSync(join(dir, 'other.txt'), key.realPath)
    try {
      const blob = await cache.encode(key, handle)
      expect(Buffer.from(readFileSync(blob.path, 'utf8'), 'base64').toString()).toBe('checked')
    } finally {
      await handle.close()
    }
  })

  it('refuses a file that grew while it was read with attachment_changed, leaving no temp file', async () => {
    const key = file('grow.txt', 'short')
    appendFileSync(key.realPath, ' and longer')
    await expect(encode(key)).rejects.toMatchObject({ code: 'attachment_changed', statusCode: 409 })
    expect(readdirSync(join(dir, 'attachments', 'blobs'))).toEqual([])
  })

  it('with studio.db full (SQLITE_FULL), keeps no blob without its row, still serves cached blobs, and works once there is room', async () => {
    const cached = file('cached.txt', 'cached')
    await encode(cached)
    // SQLite's own limit on the database's size: the same SQLITE_FULL a full disk gives, without one
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
    const blobs = join(dir, 'attachments', 'blobs')
    const files = () => readdirSync(blobs, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
    const filesBefore = files()
    const real = file('big.txt', 'x'.repeat(200_000))
    // a row too big for the pages there are (the cache takes realPath as given)
    const big = { ...real, realPath: `${real.realPath}${'/.'.repeat(20_000)}` }
    const handle = await open(real.realPath, 'r')
    try {
      await expect(cache.encode(big, handle)).rejects.toMatchObject({ code: 'SQLITE_FULL' })
    } finally {
      await handle.close()
    }
    expect(files()).toBe(filesBefore) // neither the blob nor a temp file
    expect(cache.lookup(cached)).not.toBeNull() // a hit needs no room (its bookkeeping is skipped)
    db.pragma('max_page_count = 1073741823')
    const again = await open(real.realPath, 'r')
    const blob = await cache.encode(big, again).finally(() => again.close())
    expect(cache.lookup(big)).toMatchObject({ digest: blob.digest })
  })

  it('never leaves a row without its blob when the same blob is adopted while an eviction removes it', async () => {
    const key = file('race.txt', 'r'.repeat(300))
    const first = await encode(key)
    const b64 = readFileSync(first.path)
    const again = () => {
      const temp = cache.tempPath()
      writeFileSync(temp, b64) // the same bytes arriving again (another upload of them)
      return cache.adopt(temp, first.digest, first.rawBytes, first.b64Bytes, key)
    }
    // evicted just before: the adopt waits for the removal, then puts the blob back
    expect(cache.evict(Date.now() + 10_000)).toMatchObject({ count: 1 })
    await again()
    expect(existsSync(first.path)).toBe(true)
    expect(cache.lookup(key)).toMatchObject({ digest: first.digest })
    // being adopted: not evictable until its row is written
    const adopting = again()
    expect(cache.evict(Date.now() + 10_000)).toEqual({ count: 0, bytes: 0 })
    await adopting
    expect(existsSync(first.path)).toBe(true)
  })

  it("an upload's in-flight row a full disk will not let go of does not fail the upload, and goes with the next one", () => {
    let full = true
    // studio.db refusing the delete as a full disk does (SQLite needs room in its log even to delete)
    const failingDelete = new Proxy(db, {
      get(target, prop) {
        if (prop !== 'prepare') return Reflect.get(target, prop, target)
        return (sql: string) => {
          const stmt = target.prepare(sql)
          if (!sql.startsWith('DELETE FROM upload_in_flight WHERE')) return stmt
          return Object.assign(Object.create(stmt), {
            run: (...args: unknown[]) => {
              if (full) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL')
              return stmt.run(...args)
            },
          })
        }
      },
    })
    const c = createAttachmentCache(failingDelete, join(dir, 'attachments'), { maxBytes: 1000, maxAgeMs: 1000 })
    const rows = () => db.prepare('SELECT temp_path FROM upload_in_flight ORDER BY temp_path').pluck().all()
    const untrackA = c.track(['/w/.ocs-tmp-a'])
    expect(() => untrackA()).not.toThrow()
    expect(rows()).toEqual(['/w/.ocs-tmp-a'])
    full = false
    const untrackB = c.track(['/w/.ocs-tmp-b'])
    expect(rows()).toEqual(['/w/.ocs-tmp-b'])
    untrackB()
    expect(rows()).toEqual([])
  })

  it('hands a freshly encoded blob over pinned: no eviction takes it before the forward that made it has sent it', async () => {
    const key = file('fresh.txt', 'f'.repeat(300))
    const handle = await open(key.realPath, 'r')
    const blob = await cache.encode(key, handle).finally(() => handle.close())
    expect(cache.evict(Date.now() + 10_000)).toEqual({ count: 0, bytes: 0 })
    expect(existsSync(blob.path)).toBe(true)
    blob.release()
    expect(cache.evict(Date.now() + 10_000)).toMatchObject({ count: 1 })
  })
})
