// The attachments part: the persistent cache, prompt expansion and uploads. It does not talk to OpenCode:
// preparePrompt returns a body stream, and the prompt route sends it.

import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../lib/log.js'
import { createAttachmentCache, type AttachmentCache, type CacheStats } from './cache.js'
import { openStudioDb, type StudioDb } from './db.js'
import { preparePrompt, type PreparedPrompt } from './expand.js'
import { receiveUpload, type UploadRequest, type UploadResult } from './upload.js'

export type { CacheStats } from './cache.js'
export type { PreparedPrompt } from './expand.js'
export type { UploadResult } from './upload.js'
export { workspaceNotFound, workspaceRequired, uploadAborted, uploadPathRequired, uploadTooLarge } from './errors.js'

/** Eviction also runs on a timer, so the age cap holds even when nothing new is cached. */
const EVICT_EVERY_MS = 10 * 60_000

export interface AttachmentsOptions {
  dataDir: string
  maxFileBytes: number
  cacheBytes: number
  maxAgeMs: number
  /** For `~` in client paths; Studio's own home by default. */
  home?: string
}

export interface Attachments {
  /**
   * A prompt body as it streams in → the body OpenCode gets (serverPath parts expanded, everything else
   * byte for byte). Reads ahead up to `peekBytes` (all parts of an ordinary prompt are checked before it
   * resolves); `workspace` is asked for only when a serverPath part needs it.
   */
  prepare(source: AsyncIterable<Buffer>, workspace: () => string, peekBytes: number): Promise<PreparedPrompt>
  upload(req: Omit<UploadRequest, 'home' | 'maxBytes'>): Promise<UploadResult>
  stats(): CacheStats
  /** Runs eviction now (also runs after every insert and on a timer). */
  evict(now?: number): { count: number; bytes: number }
  start(): Promise<void>
  close(): void
}

export function createAttachments(options: AttachmentsOptions, log: Logger): Attachments {
  const db: StudioDb = openStudioDb(options.dataDir)
  const cache: AttachmentCache = createAttachmentCache(db, join(options.dataDir, 'attachments'), {
    maxBytes: options.cacheBytes,
    maxAgeMs: options.maxAgeMs,
  })
  const home = options.home ?? homedir()
  let timer: NodeJS.Timeout | null = null
  const evictNow = (now?: number) => {
    const r = cache.evict(now)
    if (r.count > 0) log.info({ blobs: r.count, bytes: r.bytes }, 'attachment cache evicted')
    return r
  }
  return {
    async prepare(source, workspace, peekBytes) {
      const prepared = await preparePrompt(source, cache, { workspace, home, maxFileBytes: options.maxFileBytes }, peekBytes)
      if (prepared.misses > 0) evictNow()
      return prepared
    },
    async upload(req) {
      const result = await receiveUpload({ ...req, home, maxBytes: options.maxFileBytes }, cache)
      if (result.digest) evictNow()
      return result
    },
    stats: () => cache.stats(),
    evict: evictNow,
    async start() {
      const swept = await cache.sweep()
      if (swept.temps + swept.orphanBlobs + swept.danglingRows > 0) log.info(swept, 'attachment cache swept after an unclean stop')
      evictNow()
      timer = setInterval(evictNow, EVICT_EVERY_MS)
      timer.unref()
    },
    close() {
      if (timer) clearInterval(timer)
      db.close()
    },
  }
}
