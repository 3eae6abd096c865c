// Durable file writes: content goes to a temp file beside the target, is fsynced, then renamed into place
// (and the folder fsynced), so a crash leaves either the old file, the complete new one, or a temp file a
// start-up sweep can remove, never a half-written file under the final name.

import { randomBytes } from 'node:crypto'
import { close, fsync, open } from 'node:fs'
import { link, rename, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

const openAsync = promisify(open)
const fsyncAsync = promisify(fsync)
const closeAsync = promisify(close)

/** Marks Studio's temp files, so sweeps recognise them. */
export const TEMP_MARK = '.ocs-tmp-'

/** A temp name of fixed length (22 bytes), so a target whose name is near the 255-byte limit still fits. */
export function tempName(): string {
  return `${TEMP_MARK}${randomBytes(6).toString('hex')}`
}

export function tempPathFor(target: string): string {
  return join(dirname(target), tempName())
}

export async function fsyncPath(path: string): Promise<void> {
  const fd = await openAsync(path, 'r')
  try {
    await fsyncAsync(fd)
  } finally {
    await closeAsync(fd)
  }
}

/**
 * Moves a finished temp file into place. `overwrite: false` fails with EEXIST if the target exists (a
 * hard link is created first, which, unlike rename, refuses to replace).
 */
export async function commitTemp(temp: string, target: string, overwrite: boolean): Promise<void> {
  await fsyncPath(temp)
  if (overwrite) await rename(temp, target)
  else {
    await link(temp, target)
    await unlink(temp)
  }
  await fsyncPath(dirname(target)).catch(() => {}) // some file systems cannot fsync a folder
}

export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => {})
}
