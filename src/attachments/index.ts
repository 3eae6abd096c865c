// The attachments part: the persistent cache, prompt expansion and uploads. It does not talk to OpenCode:
// expandPrompt returns a body stream, and the prompt route sends it.

import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../lib/log.js'
import { createAttachmentCache, type AttachmentCache, type CacheStats } from './cache.js'
import { openStudioDb, type StudioDb } from './db.js'
import { expandPrompt, type ExpandedPrompt } from './expand.js'
import { receiveUpload, type UploadRequest, type UploadResult } from './upload.js'

export type { CacheStats } from './cache.js'
export type { ExpandedPrompt } from './expand.js'
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
  expand(body: unknown, workspace: string): Promise<ExpandedPrompt>
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
    async expand(body, workspace) {
      const expanded = await expandPrompt(body, cache, { workspace, home, maxFileBytes: options.maxFileBytes })
      if (expanded.misses > 0) evictNow()
      return expanded
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
