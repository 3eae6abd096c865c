// Receives an upload into the workspace without holding it in memory: the body streams into a temp file
// beside the target and, at the same time, through the base64 encoder into a cache blob (its SHA-256
// computed on the way). Only a complete upload is renamed into place and indexed; an abort, an error or
// an oversize body leaves nothing behind, and temp files are recorded so that even a crash is cleaned
// up at the next start.
//
// The target folder is opened once, walking from the workspace root without following symlinks, and the
// temp file is created, renamed and (on failure) removed inside that open folder: swapping a folder of
// the path for a symlink mid-upload can neither redirect the write nor strand the temp file.

import { once } from 'node:events'
import type { FileHandle } from 'node:fs/promises'
import { basename, dirname, join, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { confineNew, pathTextProblem, PATH_MAX_BYTES } from '../lib/confine.js'
import { createIn, DirWalkError, lstatIn, openDirInside, renameIn, unlinkIn, type ConfinedDir } from '../lib/confined-fd.js'
import { removeQuietly, tempName } from '../lib/fs-atomic.js'
import { createWriteStream, type WriteStream } from 'node:fs'
import { isDiskFull } from '../lib/disk-full.js'
import { createBase64Encoder } from './base64-stream.js'
import type { AttachmentCache } from './cache.js'
import {
  uploadAborted,
  uploadNameTooLong,
  uploadParentNotADirectory,
  uploadPathInvalid,
  uploadPathLoops,
  uploadPathOutside,
  uploadPathTooLong,
  uploadTargetChanged,
  uploadTargetExists,
  uploadTargetIsDirectory,
  uploadTooLarge,
  workspaceNotFound,
} from './errors.js'
import { isSupportedMime, mimeForName, sniffMime, SNIFF_BYTES } from './mime.js'

export interface UploadRequest {
  source: Readable
  workspace: string
  path: string
  overwrite: boolean
  home: string
  maxBytes: number
}

export interface UploadResult {
  path: string
  bytes: number
  /** The cache blob now holding it (null for types OpenCode cannot take, which are not cached). */
  digest: string | null
}

/** The folder and name an upload goes to, checked and opened; every client mistake is a 4xx here. */
async function openTarget(req: UploadRequest): Promise<{ dir: ConfinedDir; name: string; target: string }> {
  const problem = pathTextProblem(req.path)
  if (problem === 'nul') throw uploadPathInvalid(req.path)
  if (problem === 'name-too-long') throw uploadNameTooLong(req.path)
  if (problem === 'path-too-long') throw uploadPathTooLong(Buffer.byteLength(req.path))
  if (req.path.endsWith('/') || req.path.endsWith(`${sep}.`) || req.path.endsWith(`${sep}..`)) throw uploadPathInvalid(req.path)
  const confined = await confineNew(req.path, req.workspace, req.home)
  if (!confined.ok) {
    if (confined.reason === 'workspace-missing') throw workspaceNotFound(req.workspace)
    if (confined.reason === 'loop') throw uploadPathLoops(req.path)
    throw uploadPathOutside(req.path)
  }
  const target = confined.realPath
  if (target === confined.root) throw uploadTargetIsDirectory(req.path)
  if (Buffer.byteLength(target) > PATH_MAX_BYTES) throw uploadPathTooLong(Buffer.byteLength(target))
  try {
    return { dir: await openDirInside(confined.root, dirname(target), true), name: basename(target), target }
  } catch (err) {
    if (!(err instanceof DirWalkError)) throw err
    if (err.reason === 'not-a-directory') throw uploadParentNotADirectory(req.path)
    if (err.reason === 'name-too-long') throw uploadPathTooLong(Buffer.byteLength(target))
    throw uploadTargetChanged(req.path)
  }
}

export async function receiveUpload(req: UploadRequest, cache: AttachmentCache): Promise<UploadResult> {
  const { dir, name, target } = await openTarget(req)
  const temp = tempName()
  let file: FileHandle | null = null
  let committed = false
  const blobTemp = cache.tempPath()
  const encoder = createBase64Encoder()
  let blob: WriteStream | null = null
  let untrack = () => {}
  // Every stream's failure is caught here (an unheard 'error' event would take the process down).
  let failure: Error | null = null
  try {
    untrack = cache.track([join(dir.path, temp), blobTemp]) // may fail on a full disk: nothing exists yet
    blob = createWriteStream(blobTemp, { flags: 'wx' })
    const encoded = pipeline(encoder, blob).catch((err: Error) => (failure ??= err))
    const existing = await lstatIn(dir, name)
    if (existing?.isDirectory()) throw uploadTargetIsDirectory(req.path)
    if (existing && !req.overwrite) throw uploadTargetExists(req.path)
    file = await createIn(dir, temp).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw uploadTargetChanged(req.path) // the folder was removed since it was opened
      throw err
    })

    let bytes = 0
    let head: Buffer | null = null
    try {
      for await (const chunk of req.source as AsyncIterable<Buffer>) {
        bytes += chunk.length
        if (bytes > req.maxBytes) throw uploadTooLarge(req.maxBytes)
        head ??= chunk.subarray(0, SNIFF_BYTES)
        await file.write(chunk)
        if (failure) throw failure
        // the blob's pipeline may have failed already (a full disk): then no 'drain' ever comes
        if (!encoder.write(chunk)) await Promise.race([once(encoder, 'drain'), encoded])
        if (failure) throw failure
      }
    } catch (err) {
      // the client went away mid-body: its doing, not Studio's error
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as Error).message === 'aborted') throw uploadAborted()
      throw err
    }
    encoder.end()
    await encoded
    if (failure) throw failure
    await file.sync()
    const info = await file.stat({ bigint: true })

    // the folder must still be where it was checked, before and after the rename
    if (!(await dir.stillInPlace())) throw uploadTargetChanged(req.path)
    try {
      await renameIn(dir, temp, name, req.overwrite)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw uploadTargetExists(req.path)
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw uploadTargetIsDirectory(req.path)
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw uploadTargetChanged(req.path)
      throw err
    }
    committed = true
    await dir.handle.sync().catch(() => {}) // some file systems cannot fsync a folder
    if (!(await dir.stillInPlace())) {
      await unlinkIn(dir, name)
      committed = false
      throw uploadTargetChanged(req.path)
    }

    const mime = mimeForName(target) ?? sniffMime(head ?? Buffer.alloc(0))
    let digest: string | null = null
    if (isSupportedMime(mime)) {
      const key = { realPath: target, size: Number(info.size), mtimeNs: info.mtimeNs, mime }
      // the upload is in place: a cache that has no room for it (a full data dir) only means no cache entry
      digest = await cache.adopt(blobTemp, encoder.digest(), encoder.rawBytes(), blob.bytesWritten, key).then(
        (b) => b.digest,
        (err: unknown) => {
          if (isDiskFull(err)) return null
          throw err
        },
      )
    }
    return { path: target, bytes, digest }
  } finally {
    await file?.close().catch(() => {})
    encoder.destroy()
    blob?.destroy()
    if (!committed && file) await unlinkIn(dir, temp) // through the open folder, wherever it went
    await removeQuietly(blobTemp) // adopted blobs were renamed away already
    await dir.close()
    untrack()
  }
}
