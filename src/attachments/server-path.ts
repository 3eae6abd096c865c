// One `serverPath` file part, checked: inside the workspace (symlinks resolved), a regular file, under the
// size limit, of a type OpenCode can pass to a model. The checks are made on an open descriptor, which is
// what the cache then reads: a path swapped for a symlink after the check cannot change what is sent.

import type { FileHandle } from 'node:fs/promises'
import { basename } from 'node:path'
import { confineExisting, pathTextProblem } from '../lib/confine.js'
import { openFileInside } from '../lib/confined-fd.js'
import {
  attachmentNotAFile,
  attachmentNotFound,
  attachmentOutsideWorkspace,
  attachmentPathInvalid,
  attachmentTooLarge,
  attachmentUnsupported,
  workspaceNotFound,
} from './errors.js'
import { isSupportedMime, mimeForName, normalizeMime, sniffMime, SNIFF_BYTES } from './mime.js'
import type { SourceKey } from './cache.js'

export interface FileContext {
  workspace: string
  home: string
  maxFileBytes: number
}

export interface ResolvedFile {
  key: SourceKey
  filename: string
  /** The verified descriptor: a miss is encoded from this, never from the path again. */
  handle: FileHandle
  /** Closes the descriptor; call once the part is looked up or encoded. */
  close(): Promise<void>
}

export async function resolveServerPath(serverPath: string, part: { mime?: unknown; filename?: unknown }, ctx: FileContext): Promise<ResolvedFile> {
  if (pathTextProblem(serverPath) !== null) throw attachmentPathInvalid(serverPath)
  const confined = await confineExisting(serverPath, ctx.workspace, ctx.home)
  if (!confined.ok) {
    if (confined.reason === 'outside') throw attachmentOutsideWorkspace(serverPath)
    if (confined.reason === 'workspace-missing') throw workspaceNotFound(ctx.workspace)
    throw attachmentNotFound(serverPath)
  }
  const opened = await openFileInside(confined.path, confined.root, confined.realPath)
  if (!opened.ok) {
    if (opened.reason === 'outside') throw attachmentOutsideWorkspace(serverPath)
    if (opened.reason === 'missing') throw attachmentNotFound(serverPath)
    throw attachmentNotAFile(serverPath)
  }
  const handle = opened.handle
  try {
    const info = await handle.stat({ bigint: true })
    if (info.size > BigInt(ctx.maxFileBytes)) throw attachmentTooLarge(serverPath, ctx.maxFileBytes)
    const given = typeof part.mime === 'string' && part.mime.trim() !== '' ? normalizeMime(part.mime) : null
    const mime = given ?? mimeForName(confined.path) ?? sniffMime(await readHead(handle))
    if (!isSupportedMime(mime)) throw attachmentUnsupported(serverPath, mime)
    const filename = typeof part.filename === 'string' && part.filename.trim() !== '' ? part.filename.trim() : basename(confined.path)
    return {
      key: { realPath: opened.realPath, size: Number(info.size), mtimeNs: info.mtimeNs, mime },
      filename,
      handle,
      close: () => handle.close().catch(() => {}),
    }
  } catch (err) {
    await handle.close()
    throw err
  }
}

async function readHead(handle: FileHandle): Promise<Buffer> {
  const buf = Buffer.alloc(SNIFF_BYTES)
  const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0)
  return buf.subarray(0, bytesRead)
}
