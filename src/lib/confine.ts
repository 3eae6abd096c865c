// Keeps client-supplied paths inside a workspace. The decision is made on real paths (symlinks resolved),
// so neither `..` nor a symlink can lead out; `..` that stays inside is fine.

import { realpath } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

export type Confined =
  | { ok: true; path: string; realPath: string; root: string }
  // 'loop': a symlink on the way that loops (a new path's folder that can never be opened)
  | { ok: false; reason: 'outside' | 'missing' | 'workspace-missing' | 'loop'; path: string }

/** `~` and `~/…` expand to home; relative paths resolve against the workspace. */
export function resolveClientPath(input: string, workspace: string, home: string): string {
  const p = input.trim()
  if (p === '~') return home
  if (p.startsWith('~/')) return join(home, p.slice(2))
  return isAbsolute(p) ? resolve(p) : resolve(workspace, p)
}

/** Linux limits: a name is at most 255 bytes, a path (with its terminating NUL) 4096. */
export const NAME_MAX_BYTES = 255
export const PATH_MAX_BYTES = 4095

/** Why a client path can never name a file, or null: a NUL byte, a name or a whole path too long. */
export function pathTextProblem(path: string): 'nul' | 'name-too-long' | 'path-too-long' | null {
  if (path.includes('\0')) return 'nul'
  if (Buffer.byteLength(path) > PATH_MAX_BYTES) return 'path-too-long'
  if (path.split(sep).some((name) => Buffer.byteLength(name) > NAME_MAX_BYTES)) return 'name-too-long'
  return null
}

/** True when `child` is `parent` or inside it (component-wise, so /a/bc is not inside /a/b). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/** An existing file or folder, confined to the workspace after resolving every symlink. */
export async function confineExisting(input: string, workspace: string, home: string): Promise<Confined> {
  const root = await realpath(workspace).catch(() => null)
  const path = resolveClientPath(input, workspace, home)
  if (root === null) return { ok: false, reason: 'workspace-missing', path }
  const real = await realpath(path).catch(() => null)
  if (real === null) {
    // a missing target is only "missing" if asking about it does not itself reveal the outside
    const parent = await realpath(dirname(path)).catch(() => null)
    return { ok: false, reason: parent !== null && !isInside(root, parent) ? 'outside' : 'missing', path }
  }
  return isInside(root, real) ? { ok: true, path, realPath: real, root } : { ok: false, reason: 'outside', path }
}

/**
 * A path that may not exist yet (an upload target): its nearest existing ancestor must resolve inside the
 * workspace, and the part below it must not climb out again.
 */
export async function confineNew(input: string, workspace: string, home: string): Promise<Confined> {
  const root = await realpath(workspace).catch(() => null)
  const path = resolveClientPath(input, workspace, home)
  if (root === null) return { ok: false, reason: 'workspace-missing', path }
  let existing = path
  const rest: string[] = []
  for (;;) {
    const resolved = await realpath(existing).catch((err: NodeJS.ErrnoException) => err)
    // a looping symlink exists but resolves to nothing: it is no missing folder that could be made
    if (resolved instanceof Error && resolved.code === 'ELOOP') return { ok: false, reason: 'loop', path }
    const real = resolved instanceof Error ? null : resolved
    if (real !== null) {
      const target = join(real, ...rest.reverse())
      return isInside(root, target) ? { ok: true, path, realPath: target, root } : { ok: false, reason: 'outside', path }
    }
    const parent = dirname(existing)
    if (parent === existing) return { ok: false, reason: 'outside', path }
    rest.push(existing.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)))
    existing = parent
  }
}
