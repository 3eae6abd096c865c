// What a crash (or a full disk) may have left in Studio's data dir, read straight from disk: the invariants
// of the attachment cache (src/attachments/cache.ts) after Studio's start-up sweep. Every blob file
// blobs/<2 hex>/<sha256> holds the base64 text of bytes whose SHA-256 is its name, and has its row in
// attachment_blob; every row has its file; every source row its blob row; no upload is still recorded
// as in flight. Shared by the crash test and the fault suite.

import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { walk } from './uploads.js'

export interface CacheAudit {
  blobFiles: number
  blobRows: number
  /** Blob files whose content does not decode to bytes of their digest. */
  corruptBlobs: string[]
  /** attachment_blob rows whose file is missing. */
  danglingRows: string[]
  /** Blob files no row references (the sweep removes them at start-up; after it, none may be left). */
  orphanBlobs: string[]
  /** attachment_source rows pointing at no attachment_blob row. */
  danglingSources: number
  /** upload_in_flight rows (the sweep clears them). */
  uploadsInFlight: number
}

export function auditCache(dataDir: string): CacheAudit {
  const blobsDir = join(dataDir, 'attachments', 'blobs')
  const files = existsSync(blobsDir) ? walk(blobsDir).filter((p) => /^[0-9a-f]{64}$/.test(p.split('/').pop()!)) : []
  const byDigest = new Map(files.map((p) => [p.split('/').pop()!, p]))
  const db = new Database(join(dataDir, 'studio.db'), { readonly: true, fileMustExist: true })
  try {
    const rows = db.prepare('SELECT digest FROM attachment_blob').pluck().all() as string[]
    const known = new Set(rows)
    return {
      blobFiles: files.length,
      blobRows: rows.length,
      corruptBlobs: files.filter((p) => digestOfBlob(p) !== p.split('/').pop()),
      danglingRows: rows.filter((d) => !byDigest.has(d)),
      orphanBlobs: [...byDigest.keys()].filter((d) => !known.has(d)),
      danglingSources: db.prepare('SELECT count(*) FROM attachment_source WHERE digest NOT IN (SELECT digest FROM attachment_blob)').pluck().get() as number,
      uploadsInFlight: db.prepare('SELECT count(*) FROM upload_in_flight').pluck().get() as number,
    }
  } finally {
    db.close()
  }
}

/** SHA-256 of the bytes a blob file's base64 text stands for. */
export function digestOfBlob(path: string): string {
  return sha256(Buffer.from(readFileSync(path, 'utf8'), 'base64'))
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** Final upload files whose content is none of the complete payloads that were sent (a half-written file). */
export function halfWritten(files: string[], payloadDigests: ReadonlySet<string>): string[] {
  return files.filter((p) => existsSync(p) && !payloadDigests.has(sha256(readFileSync(p))))
}
