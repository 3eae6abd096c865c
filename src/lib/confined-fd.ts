// Confinement that holds after the check. A path checked once can be swapped for a symlink before it is
// used (a build script or the agent's own shell can do that at any moment), so every read and write here
// works on a descriptor: a file is opened, then Linux is asked where that descriptor really is
// (/proc/self/fd/N), and only then is it read. Folders are opened one component at a time from the
// workspace root without following symlinks, and files are created, renamed and removed *inside* that
// open folder (/proc/self/fd/N/<name> resolves the name in the folder the descriptor holds, like openat),
// so no later path lookup can be redirected.
//
// Without /proc (macOS), the descriptor's location cannot be asked; the checks fall back to comparing
// the descriptor's inode with a fresh lookup of its real path, which narrows the window but cannot close it.

import { constants, existsSync } from 'node:fs'
import { lstat, mkdir, open, readlink, realpath, rename, link, statfs, unlink, type FileHandle } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { isInside } from './confine.js'

const PROC_FD = '/proc/self/fd'
const HAS_PROC_FD = process.platform === 'linux' && existsSync(PROC_FD)

/** Pseudo file systems whose "regular files" are generated on read (size 0, content varies). */
const PSEUDO_FS = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x64626720, // debugfs
  0x74726163, // tracefs
  0x73636673, // securityfs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0xcafe4a11, // bpf
  0xde5e81e4, // efivarfs
  0x62656570, // configfs
])

/** A name inside the folder an open descriptor holds: looked up in that folder, wherever it now is. */
export function inDir(dir: FileHandle, name: string): string {
  return `${PROC_FD}/${dir.fd}/${name}`
}

/** Where the descriptor's file is now (no symlinks), or null if unknown (deleted, or no /proc). */
export async function whereIs(handle: FileHandle): Promise<string | null> {
  if (!HAS_PROC_FD) return null
  const p = await readlink(`${PROC_FD}/${handle.fd}`).catch(() => null)
  if (p === null || !p.startsWith('/') || p.endsWith(' (deleted)')) return null
  return p
}

/** True when the descriptor is a file of a pseudo file system (/proc, /sys, …). */
export async function isPseudoFile(handle: FileHandle): Promise<boolean> {
  if (!HAS_PROC_FD) return false
  const fs = await statfs(`${PROC_FD}/${handle.fd}`).catch(() => null)
  return fs !== null && PSEUDO_FS.has(Number(fs.type))
}

/** Is the descriptor inside `root`? With /proc exact; without it, a best-effort inode comparison. */
export async function descriptorInside(handle: FileHandle, root: string, expectedReal: string): Promise<string | null> {
  if (HAS_PROC_FD) {
    const where = await whereIs(handle)
    return where !== null && isInside(root, where) ? where : null
  }
  const [a, b] = await Promise.all([handle.stat(), lstat(expectedReal).catch(() => null)])
  const real = await realpath(expectedReal).catch(() => null)
  return b !== null && a.dev === b.dev && a.ino === b.ino && real === expectedReal && isInside(root, real) ? real : null
}

export type OpenFileResult =
  | { ok: true; handle: FileHandle; realPath: string }
  | { ok: false; reason: 'outside' | 'missing' | 'not-a-file' }

/**
 * Opens an existing file for reading and proves it is a regular file inside `root`. `path` is opened as
 * given (symlinks inside the workspace are fine); what counts is where the descriptor ends up. Opened
 * non-blocking, so a FIFO swapped in cannot hang the request.
 */
export async function openFileInside(path: string, root: string, expectedReal: string): Promise<OpenFileResult> {
  let handle: FileHandle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return { ok: false, reason: code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' ? 'missing' : 'not-a-file' }
  }
  try {
    const where = await descriptorInside(handle, root, expectedReal)
    if (where === null) throw 'outside'
    const info = await handle.stat()
    if (!info.isFile() || (await isPseudoFile(handle))) throw 'not-a-file'
    return { ok: true, handle, realPath: where }
  } catch (err) {
    await handle.close()
    if (err === 'outside' || err === 'not-a-file') return { ok: false, reason: err }
    throw err
  }
}

export class DirWalkError extends Error {
  constructor(
    readonly reason: 'not-a-directory' | 'changed' | 'missing' | 'name-too-long',
    readonly at: string,
  ) {
    super(`${reason}: ${at}`)
  }
}

/** An open folder, verified to be `path`. Names resolve inside the folder the descriptor holds. */
export interface ConfinedDir {
  readonly handle: FileHandle
  /** The real path the folder had when it was opened. */
  readonly path: string
  /** A path naming `name` inside this very folder (without /proc: inside `path`). */
  at(name: string): string
  /** Is the folder still at `path`? (Without /proc: is `path` still this folder?) */
  stillInPlace(): Promise<boolean>
  close(): Promise<void>
}

function confinedDir(handle: FileHandle, path: string): ConfinedDir {
  return {
    handle,
    path,
    at: (name) => (HAS_PROC_FD ? inDir(handle, name) : join(path, name)),
    async stillInPlace() {
      if (HAS_PROC_FD) return (await whereIs(handle)) === path
      const [a, b] = await Promise.all([handle.stat(), lstat(path).catch(() => null)])
      return b !== null && b.isDirectory() && a.ino === b.ino && a.dev === b.dev
    },
    close: () => handle.close().catch(() => {}),
  }
}

/**
 * Opens the real folder `dir` (inside `root`) by walking from the root one name at a time, never
 * following a symlink (`dir` is a real path, so a symlink on the way means the tree changed under us).
 * Missing folders are created when `create` is set.
 */
export async function openDirInside(root: string, dir: string, create: boolean): Promise<ConfinedDir> {
  if (!isInside(root, dir)) throw new DirWalkError('changed', dir)
  const flags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW
  let current = confinedDir(await open(root, constants.O_RDONLY | constants.O_DIRECTORY), root)
  try {
    if (!(await current.stillInPlace())) throw new DirWalkError('changed', root)
    for (const name of relative(root, dir).split(sep).filter((n) => n !== '')) {
      const next = current.at(name)
      let opened = await open(next, flags).catch((err: NodeJS.ErrnoException) => err)
      if (opened instanceof Error && opened.code === 'ENOENT' && create) {
        await mkdir(next).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err
        })
        opened = await open(next, flags).catch((err: NodeJS.ErrnoException) => err)
      }
      if (opened instanceof Error) {
        // O_DIRECTORY reports a symlink as "not a directory": only a file that stays one is the client's
        // mistake; a symlink, or a folder by now, means the tree is being changed under us
        if (opened.code === 'ENOTDIR') {
          const entry = await lstat(next).catch(() => null)
          if (entry === null || entry.isSymbolicLink() || entry.isDirectory()) throw new DirWalkError('changed', dir)
        }
        throw opened
      }
      await current.close()
      current = confinedDir(opened, join(current.path, name))
    }
    if (!(await current.stillInPlace())) throw new DirWalkError('changed', dir)
    return current
  } catch (err) {
    await current.close()
    if (err instanceof DirWalkError) throw err
    throw walkError(err as NodeJS.ErrnoException, dir)
  }
}

function walkError(err: NodeJS.ErrnoException, at: string): Error {
  switch (err.code) {
    case 'ELOOP':
      return new DirWalkError('changed', at)
    case 'ENOTDIR':
    case 'EEXIST':
      return new DirWalkError('not-a-directory', at)
    case 'ENOENT':
      return new DirWalkError('missing', at)
    case 'ENAMETOOLONG':
      return new DirWalkError('name-too-long', at)
    default:
      return err
  }
}

/** A new file in the open folder (fails if the name exists; never follows a symlink). */
export function createIn(dir: ConfinedDir, name: string): Promise<FileHandle> {
  return open(dir.at(name), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666)
}

/** Moves `from` to `to` within the open folder; without `overwrite`, fails with EEXIST if `to` exists. */
export async function renameIn(dir: ConfinedDir, from: string, to: string, overwrite: boolean): Promise<void> {
  if (overwrite) await rename(dir.at(from), dir.at(to))
  else {
    await link(dir.at(from), dir.at(to))
    await unlink(dir.at(from))
  }
}

export async function unlinkIn(dir: ConfinedDir, name: string): Promise<void> {
  await unlink(dir.at(name)).catch(() => {})
}

/** The entry `name` in the open folder, without following it; null if absent. */
export function lstatIn(dir: ConfinedDir, name: string) {
  return lstat(dir.at(name)).catch(() => null)
}
