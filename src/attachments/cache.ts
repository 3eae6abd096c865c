// The persistent attachment cache: content-addressed blob files holding the base64 text a data URL needs
// (blobs/<2 hex>/<sha256 of the raw bytes>), and an index in studio.db from a file version
// (real path, size, mtime in ns, mime) to its blob. A resend of an unchanged file is a lookup and a file
// stream; nothing is read or encoded again. Bounded by total size and age, least recently used first.

import { createReadStream, createWriteStream, mkdirSync, type ReadStream } from 'node:fs'
import { mkdir, readdir, rm, stat, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { isDiskFull } from '../lib/disk-full.js'
import { commitTemp, removeQuietly, TEMP_MARK, tempPathFor } from '../lib/fs-atomic.js'
import { createBase64Encoder } from './base64-stream.js'
import type { StudioDb } from './db.js'
import { attachmentChanged } from './errors.js'

export interface SourceKey {
  realPath: string
  size: number
  mtimeNs: bigint
  mime: string
}

export interface BlobRef {
  digest: string
  rawBytes: number
  /** Size of the blob file: the base64 text. */
  b64Bytes: number
  path: string
}

/** A blob kept from eviction until `release` is called. */
export interface HeldBlob extends BlobRef {
  release(): void
}

export interface CacheLimits {
  maxBytes: number
  maxAgeMs: number
}

export interface CacheStats {
  hits: number
  misses: number
  bytesServed: number
  bytesEncoded: number
  evictions: number
  evictedBytes: number
  entries: number
  sources: number
  bytes: number
  maxBytes: number
  maxAgeDays: number
}

export interface AttachmentCache {
  /** The blob of exactly this file version, or null (counted as a hit or a miss). */
  lookup(key: SourceKey): BlobRef | null
  /**
   * Reads and encodes the file into a blob (durably), indexes it; the miss path. Reads `source`, the
   * descriptor the key was taken from (checked by the caller), never the path again. The blob comes
   * pinned (a forward is about to stream it): call its release when done.
   */
  encode(key: SourceKey, source: FileHandle): Promise<HeldBlob>
  /** Takes a base64 file written while an upload streamed in, as the blob of that file version. */
  adopt(tempB64: string, digest: string, rawBytes: number, b64Bytes: number, key: SourceKey): Promise<BlobRef>
  /** Keeps a blob from eviction (a forward in flight is about to stream it); returns the release. */
  pin(digest: string): () => void
  /** A stream of the blob's base64 text. */
  open(blob: BlobRef): ReadStream
  /** A temp path in the blob folder (for uploads encoding as they stream). */
  tempPath(): string
  /** Records temp files being written, so the start-up sweep removes them after a crash; returns the untrack. */
  track(paths: string[]): () => void
  evict(now?: number): { count: number; bytes: number }
  sweep(): Promise<{ temps: number; orphanBlobs: number; danglingRows: number }>
  stats(): CacheStats
}

/** Read size when streaming a blob out. */
const BLOB_READ_BYTES = 1024 * 1024

const METRICS = ['hits', 'misses', 'bytesServed', 'bytesEncoded', 'evictions', 'evictedBytes'] as const
type Metric = (typeof METRICS)[number]

export function createAttachmentCache(db: StudioDb, dir: string, limits: CacheLimits): AttachmentCache {
  const blobsDir = join(dir, 'blobs')
  mkdirSync(blobsDir, { recursive: true })
  const pinned = new Map<string, number>()
  /** Blob files of evicted rows still being removed: a blob adopted meanwhile must wait for them. */
  const unlinking = new Map<string, Promise<void>>()
  /** Finished uploads whose in-flight row could not be deleted yet (a full disk): retried on the next track. */
  const staleUploads = new Set<string>()
  const q = {
    source: db.prepare(
      `SELECT b.digest, b.raw_bytes, b.b64_bytes FROM attachment_source s JOIN attachment_blob b ON b.digest = s.digest
       WHERE s.real_path = ? AND s.size = ? AND s.mtime_ns = ? AND s.mime = ?`,
    ),
    touchSource: db.prepare(
      'UPDATE attachment_source SET last_accessed_at = ?, hit_count = hit_count + 1 WHERE real_path = ? AND size = ? AND mtime_ns = ? AND mime = ?',
    ),
    touchBlob: db.prepare('UPDATE attachment_blob SET last_accessed_at = ? WHERE digest = ?'),
    upsertBlob: db.prepare(
      `INSERT INTO attachment_blob (digest, raw_bytes, b64_bytes, created_at, last_accessed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (digest) DO UPDATE SET last_accessed_at = excluded.last_accessed_at`,
    ),
    upsertSource: db.prepare(
      `INSERT INTO attachment_source (real_path, size, mtime_ns, mime, digest, created_at, last_accessed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (real_path, size, mtime_ns, mime) DO UPDATE SET digest = excluded.digest, last_accessed_at = excluded.last_accessed_at`,
    ),
    metric: db.prepare('UPDATE attachment_metric SET value = value + ? WHERE name = ?'),
    metrics: db.prepare('SELECT name, value FROM attachment_metric'),
    totals: db.prepare('SELECT count(*) AS entries, coalesce(sum(b64_bytes), 0) AS bytes FROM attachment_blob'),
    sources: db.prepare('SELECT count(*) FROM attachment_source').pluck(),
    oldest: db.prepare('SELECT min(last_accessed_at) FROM attachment_blob').pluck(),
    lru: db.prepare('SELECT digest, b64_bytes, last_accessed_at FROM attachment_blob ORDER BY last_accessed_at, digest'),
    deleteBlob: db.prepare('DELETE FROM attachment_blob WHERE digest = ?'),
    allDigests: db.prepare('SELECT digest FROM attachment_blob').pluck(),
    hasBlob: db.prepare('SELECT 1 FROM attachment_blob WHERE digest = ?').pluck(),
    track: db.prepare('INSERT INTO upload_in_flight (temp_path, started_at) VALUES (?, ?)'),
    untrack: db.prepare('DELETE FROM upload_in_flight WHERE temp_path = ?'),
    uploads: db.prepare('SELECT temp_path FROM upload_in_flight').pluck(),
    clearUploads: db.prepare('DELETE FROM upload_in_flight'),
  }
  for (const name of METRICS) db.prepare('INSERT OR IGNORE INTO attachment_metric (name, value) VALUES (?, 0)').run(name)
  const count = (name: Metric, by = 1) => q.metric.run(by, name)
  /** Counters and access times are bookkeeping: a full disk must not stop a cached blob from being served. */
  const bookkeep = (fn: () => void) => {
    try {
      fn()
    } catch (err) {
      if (!isDiskFull(err)) throw err
    }
  }

  const blobPath = (digest: string) => join(blobsDir, digest.slice(0, 2), digest)

  /** Deletes an upload's in-flight row; on a full disk that must not fail the upload: it is retried later. */
  const forget = (temp: string) => {
    try {
      q.untrack.run(temp)
      staleUploads.delete(temp)
    } catch (err) {
      if (!isDiskFull(err)) throw err
      staleUploads.add(temp)
    }
  }

  /** The blob file is durable before its row exists, so a crash leaves at worst an unindexed file. */
  const index = db.transaction((blob: { digest: string; rawBytes: number; b64Bytes: number }, key: SourceKey, now: number) => {
    q.upsertBlob.run(blob.digest, blob.rawBytes, blob.b64Bytes, now, now)
    q.upsertSource.run(key.realPath, key.size, key.mtimeNs, key.mime, blob.digest, now, now)
    count('bytesEncoded', blob.rawBytes)
  })

  /** One commit for the hit's bookkeeping instead of four. */
  const touch = db.transaction((key: SourceKey, digest: string, b64Bytes: number, now: number) => {
    q.touchSource.run(now, key.realPath, key.size, key.mtimeNs, key.mime)
    q.touchBlob.run(now, digest)
    count('hits')
    count('bytesServed', b64Bytes)
  })

  /** Moves the temp blob into place; true when it is new (no blob of that digest was there). */
  async function place(temp: string, digest: string): Promise<boolean> {
    const final = blobPath(digest)
    await unlinking.get(digest) // an eviction's removal of the same blob must not land after this
    await mkdir(join(blobsDir, digest.slice(0, 2)), { recursive: true })
    // same digest, same content: a blob that is already there is kept and the new copy dropped
    if (await stat(final).then(() => true, () => false)) {
      await removeQuietly(temp)
      return false
    }
    await commitTemp(temp, final, true)
    return true
  }

  const cache: AttachmentCache = {
    lookup(key) {
      const row = q.source.get(key.realPath, key.size, key.mtimeNs, key.mime) as { digest: string; raw_bytes: number; b64_bytes: number } | undefined
      if (!row) {
        bookkeep(() => count('misses'))
        return null
      }
      bookkeep(() => touch(key, row.digest, row.b64_bytes, Date.now()))
      return { digest: row.digest, rawBytes: row.raw_bytes, b64Bytes: row.b64_bytes, path: blobPath(row.digest) }
    },

    async encode(key, source) {
      const temp = cache.tempPath()
      const encoder = createBase64Encoder()
      const out = createWriteStream(temp)
      try {
        // one byte past the size, so a file that grew (or makes its content up on read) is noticed
        await pipeline(source.createReadStream({ start: 0, end: key.size, autoClose: false }), encoder, out)
      } catch (err) {
        await removeQuietly(temp)
        throw err
      }
      if (encoder.rawBytes() !== key.size) {
        await removeQuietly(temp)
        throw attachmentChanged(key.realPath)
      }
      const digest = encoder.digest()
      // pinned from before it is placed until the forward is done: no eviction can come in between
      const release = cache.pin(digest)
      try {
        return { ...(await cache.adopt(temp, digest, encoder.rawBytes(), out.bytesWritten, key)), release }
      } catch (err) {
        release()
        throw err
      }
    },

    async adopt(tempB64, digest, rawBytes, b64Bytes, key) {
      let placed = false
      // not evictable between finding its blob in place and writing its row
      const release = cache.pin(digest)
      try {
        placed = await place(tempB64, digest)
        index({ digest, rawBytes, b64Bytes }, key, Date.now())
      } catch (err) {
        // no blob without its row (the database may be full while the blob fitted)
        await removeQuietly(tempB64)
        if (placed && !q.hasBlob.get(digest)) await removeQuietly(blobPath(digest))
        throw err
      } finally {
        release()
      }
      return { digest, rawBytes, b64Bytes, path: blobPath(digest) }
    },

    pin(digest) {
      pinned.set(digest, (pinned.get(digest) ?? 0) + 1)
      let released = false
      return () => {
        if (released) return
        released = true
        const n = (pinned.get(digest) ?? 1) - 1
        if (n <= 0) pinned.delete(digest)
        else pinned.set(digest, n)
      }
    },

    // large reads: a blob is megabytes, and every read is a trip to the thread pool
    open: (blob) => createReadStream(blob.path, { highWaterMark: BLOB_READ_BYTES }),

    tempPath: () => tempPathFor(join(blobsDir, 'blob')),

    track(paths) {
      for (const p of [...staleUploads]) forget(p)
      for (const p of paths) q.track.run(p, Date.now())
      return () => {
        for (const p of paths) forget(p)
      }
    },

    evict(now = Date.now()) {
      // runs after every insert: the usual answer, nothing over either cap, costs two aggregate reads
      let total = (q.totals.get() as { bytes: number }).bytes
      const oldest = q.oldest.get() as number | null
      if (total <= limits.maxBytes && (oldest === null || now - oldest <= limits.maxAgeMs)) return { count: 0, bytes: 0 }
      const victims: { digest: string; bytes: number }[] = []
      for (const r of q.lru.iterate() as IterableIterator<{ digest: string; b64_bytes: number; last_accessed_at: number }>) {
        const old = now - r.last_accessed_at > limits.maxAgeMs
        if (!old && total <= limits.maxBytes) break
        if (pinned.has(r.digest)) continue // a forward in flight is streaming it
        victims.push({ digest: r.digest, bytes: r.b64_bytes })
        total -= r.b64_bytes
      }
      if (victims.length === 0) return { count: 0, bytes: 0 }
      db.transaction(() => {
        for (const v of victims) q.deleteBlob.run(v.digest) // source rows go with it (ON DELETE CASCADE)
      })()
      for (const v of victims) {
        const done = unlink(blobPath(v.digest))
          .catch(() => {})
          .finally(() => unlinking.delete(v.digest))
        unlinking.set(v.digest, done)
      }
      const bytes = victims.reduce((n, v) => n + v.bytes, 0)
      count('evictions', victims.length)
      count('evictedBytes', bytes)
      return { count: victims.length, bytes }
    },

    /** Start-up clean-up: nothing a crash left behind survives a restart. */
    async sweep() {
      let temps = 0
      let orphanBlobs = 0
      for (const temp of q.uploads.all() as string[]) {
        if (await stat(temp).then(() => true, () => false)) temps++
        await removeQuietly(temp)
      }
      q.clearUploads.run()
      const known = new Set(q.allDigests.all() as string[])
      const onDisk = new Set<string>()
      for (const shard of await readdir(blobsDir).catch(() => [] as string[])) {
        const shardDir = join(blobsDir, shard)
        if (shard.startsWith(TEMP_MARK)) {
          await rm(shardDir, { force: true })
          temps++
          continue
        }
        for (const name of await readdir(shardDir).catch(() => [] as string[])) {
          if (name.startsWith(TEMP_MARK)) {
            await removeQuietly(join(shardDir, name))
            temps++
          } else if (!known.has(name)) {
            await removeQuietly(join(shardDir, name))
            orphanBlobs++
          } else onDisk.add(name)
        }
      }
      const dangling = [...known].filter((d) => !onDisk.has(d))
      db.transaction(() => {
        for (const d of dangling) q.deleteBlob.run(d)
      })()
      return { temps, orphanBlobs, danglingRows: dangling.length }
    },

    stats() {
      const m = Object.fromEntries((q.metrics.all() as { name: Metric; value: number }[]).map((r) => [r.name, r.value])) as Record<Metric, number>
      const totals = q.totals.get() as { entries: number; bytes: number }
      return {
        ...m,
        entries: totals.entries,
        sources: q.sources.get() as number,
        bytes: totals.bytes,
        maxBytes: limits.maxBytes,
        maxAgeDays: limits.maxAgeMs / 86_400_000,
      }
    },
  }
  return cache
}
