// OpenCode's project id for a directory (rust-studio-behaviour.md §1.3): inside a git work tree it is the
// repository's root commit (cached by OpenCode in .git/opencode), elsewhere "global". Studio only reads:
// it never writes the cache file into a user's repository.

import { execFile } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const GIT_TIMEOUT_MS = 4000

export async function projectIdForDirectory(directory: string): Promise<string> {
  const dotGit = await findDotGit(directory)
  if (!dotGit) return 'global'
  const cached = await readFile(join(dotGit, 'opencode'), 'utf8').then((t) => t.trim(), () => '')
  if (cached) return cached
  try {
    const { stdout } = await run('git', ['rev-list', '--max-parents=0', '--all'], { cwd: dirname(dotGit), timeout: GIT_TIMEOUT_MS })
    return stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort()[0] ?? 'global'
  } catch {
    return 'global'
  }
}

/** The nearest `.git` (folder or worktree file) at or above the directory. */
async function findDotGit(directory: string): Promise<string | null> {
  let dir = directory
  for (;;) {
    const candidate = join(dir, '.git')
    if (await stat(candidate).then(() => true, () => false)) return candidate
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}
