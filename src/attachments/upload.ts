// Receives an upload into the workspace without holding it in memory: the body streams into a temp file
// beside the target and, at the same time, through the base64 encoder into a cache blob (its SHA-256
// computed on the way). Only a complete upload is renamed into place and indexed; an abort, an error or
// an oversize body leaves nothing behind, and temp files are recorded so that even a crash is cleaned
// up at the next start.

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { confineNew } from '../lib/confine.js'
import { commitTemp, removeQuietly, tempPathFor } from '../lib/fs-atomic.js'
import { createBase64Encoder } from './base64-stream.js'
import type { AttachmentCache } from './cache.js'
import { uploadPathOutside, uploadTargetExists, uploadTargetIsDirectory, uploadTooLarge, workspaceNotFound } from './errors.js'
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

export async function receiveUpload(req: UploadRequest, cache: AttachmentCache): Promise<UploadResult> {
  const confined = await confineNew(req.path, req.workspace, req.home)
  if (!confined.ok) {
    if (confined.reason === 'workspace-missing') throw workspaceNotFound(req.workspace)
    throw uploadPathOutside(req.path)
  }
  const target = confined.realPath
  const existing = await stat(target).catch(() => null)
  if (existing?.isDirectory()) throw uploadTargetIsDirectory(req.path)
  if (existing && !req.overwrite) throw uploadTargetExists(req.path)
  await mkdir(dirname(target), { recursive: true })

  const temp = tempPathFor(target)
  const blobTemp = cache.tempPath()
  const untrack = cache.track([temp, blobTemp])

  const file = createWriteStream(temp, { flags: 'wx' })
  const encoder = createBase64Encoder()
  const blob = createWriteStream(blobTemp, { flags: 'wx' })
  // Every stream's failure is caught here (an unheard 'error' event would take the process down).
  let failure: Error | null = null
  const noteFailure = (err: Error) => (failure ??= err)
  file.on('error', noteFailure)
  const encoded = pipeline(encoder, blob).catch(noteFailure)
  const write = async (stream: Writable, chunk: Buffer) => {
    if (failure) throw failure
    if (!stream.write(chunk)) await once(stream, 'drain')
  }
  let bytes = 0
  let head: Buffer | null = null
  let committed = false
  try {
    for await (const chunk of req.source as AsyncIterable<Buffer>) {
      bytes += chunk.length
      if (bytes > req.maxBytes) throw uploadTooLarge(req.maxBytes)
      head ??= chunk.subarray(0, SNIFF_BYTES)
      await write(file, chunk)
      await write(encoder, chunk)
    }
    file.end()
    encoder.end()
    await Promise.all([once(file, 'finish'), encoded])
    if (failure) throw failure
    try {
      await commitTemp(temp, target, req.overwrite)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw uploadTargetExists(req.path)
      throw err
    }
    committed = true
    const info = await stat(target, { bigint: true })
    const mime = mimeForName(target) ?? sniffMime(head ?? Buffer.alloc(0))
    let digest: string | null = null
    if (isSupportedMime(mime)) {
      const key = { realPath: target, size: Number(info.size), mtimeNs: info.mtimeNs, mime }
      digest = (await cache.adopt(blobTemp, encoder.digest(), encoder.rawBytes(), blob.bytesWritten, key)).digest
    }
    return { path: target, bytes, digest }
  } finally {
    file.destroy()
    encoder.destroy()
    blob.destroy()
    if (!committed) await removeQuietly(temp)
    await removeQuietly(blobTemp) // adopted blobs were renamed away already
    untrack()
  }
}
