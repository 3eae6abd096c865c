// A small tmpfs for the full-disk case: a file system that really runs out of space. Needs mount rights
// (root, or CAP_SYS_ADMIN); without them the case says why it did not run instead of faking figures.

import { execFileSync } from 'node:child_process'
import { mkdirSync, statfsSync } from 'node:fs'

export type Mounted = { ok: true; unmount(): void } | { ok: false; reason: string }

export function mountTmpfs(dir: string, size: string): Mounted {
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim()
    return { ok: false, reason: `mount -t tmpfs failed: ${stderr || (err as Error).message}` }
  }
  return {
    ok: true,
    unmount() {
      // lazily if something still holds a file there: the mount must not outlive the run
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' })
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' })
      }
    },
  }
}

/** Bytes still free on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir)
  return s.bavail * s.bsize
}
