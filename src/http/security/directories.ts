// Which workspaces a request may name. Studio reads and writes files itself (serverPath attachments,
// uploads) in the directory a request names, and forwards that directory to OpenCode, whose own
// `external_directory` permission never sees Studio's reads. So the directory is checked here, for every
// /api request, against the allowed list (real paths, symlinks resolved, each allowing what is below it).

import { realpath } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { isInside } from '../../lib/confine.js'
import { defineError } from '../../lib/errors.js'

export const directoryNotAllowed = defineError(
  'directory_not_allowed',
  403,
  (dir: string) => `Directory "${dir}" is not one Studio serves; add it (or a parent) to OPENCODE_STUDIO_ALLOWED_DIRECTORIES`,
)

/** The real path of `p`, or of its nearest existing ancestor with the rest appended (a missing folder). */
async function realOrNearest(p: string): Promise<string> {
  const tail: string[] = []
  let at = p
  for (;;) {
    const real = await realpath(at).catch(() => null)
    if (real !== null) return resolve(real, ...tail.reverse())
    const up = dirname(at)
    if (up === at) return p
    tail.push(at.slice(up.length).replace(/^\//, ''))
    at = up
  }
}

export type DirectoryPolicy = (directory: string) => Promise<boolean>

/** `base` resolves relative directories (OpenCode's working directory). */
export function createDirectoryPolicy(allowed: readonly string[] | 'any', base: string): DirectoryPolicy {
  if (allowed === 'any') return async () => true
  const roots = Promise.all(allowed.map(realOrNearest))
  return async (directory) => {
    if (directory.includes('\0')) return false
    const real = await realOrNearest(isAbsolute(directory) ? resolve(directory) : resolve(base, directory))
    return (await roots).some((root) => isInside(root, real))
  }
}

function values(v: unknown): string[] {
  if (typeof v === 'string') return [v]
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
  return []
}

export function installDirectoryPolicy(app: FastifyInstance, allowed: readonly string[] | 'any', base: string): void {
  if (allowed === 'any') return
  const policy = createDirectoryPolicy(allowed, base)
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return
    const named = [...values((request.query as Record<string, unknown>)?.directory), ...values(request.headers['x-opencode-directory'])]
    for (const raw of named) {
      let dir = raw.trim()
      if (dir === '') continue
      if (raw === request.headers['x-opencode-directory']) {
        try {
          dir = decodeURIComponent(dir)
        } catch {}
      }
      if (!(await policy(dir))) throw directoryNotAllowed(dir)
    }
  })
}
