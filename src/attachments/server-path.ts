// One `serverPath` file part, checked: inside the workspace (symlinks resolved), a regular file, under the
// size limit, of a type OpenCode can pass to a model.

import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { confineExisting } from '../lib/confine.js'
import {
  attachmentNotAFile,
  attachmentNotFound,
  attachmentOutsideWorkspace,
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
}

export async function resolveServerPath(serverPath: string, part: { mime?: unknown; filename?: unknown }, ctx: FileContext): Promise<ResolvedFile> {
  const confined = await confineExisting(serverPath, ctx.workspace, ctx.home)
  if (!confined.ok) {
    if (confined.reason === 'outside') throw attachmentOutsideWorkspace(serverPath)
    if (confined.reason === 'workspace-missing') throw workspaceNotFound(ctx.workspace)
    throw attachmentNotFound(serverPath)
  }
  const info = await stat(confined.realPath, { bigint: true })
  if (!info.isFile()) throw attachmentNotAFile(serverPath)
  if (info.size > BigInt(ctx.maxFileBytes)) throw attachmentTooLarge(serverPath, ctx.maxFileBytes)
  const given = typeof part.mime === 'string' && part.mime.trim() !== '' ? normalizeMime(part.mime) : null
  const mime = given ?? mimeForName(confined.path) ?? sniffMime(await readHead(confined.realPath))
  if (!isSupportedMime(mime)) throw attachmentUnsupported(serverPath, mime)
  const filename = typeof part.filename === 'string' && part.filename.trim() !== '' ? part.filename.trim() : basename(confined.path)
  return { key: { realPath: confined.realPath, size: Number(info.size), mtimeNs: info.mtimeNs, mime }, filename }
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buf = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}
