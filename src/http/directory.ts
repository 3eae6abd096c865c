// Which directory a request means: the `directory` query parameter, else the x-opencode-directory header,
// else OpenCode's own directory (what its `GET /path` reports; see upstream/opencode-path.ts), exactly as
// OpenCode decides for itself. A relative directory is refused rather than resolved: against Studio's
// working directory it would name the wrong place, and OpenCode's clients always send absolute ones.

import { isAbsolute } from 'node:path'
import type { FastifyRequest } from 'fastify'
import { defineError, withExtra } from '../lib/errors.js'
import { headerDirectory, text, type QueryValue } from './query.js'

export const directoryNotAbsolute = defineError(
  'directory_not_absolute',
  400,
  (dir: string) => `The directory must be an absolute path: ${JSON.stringify(dir)}`,
)
const directoryUnknown = defineError(
  'opencode_unavailable',
  503,
  'OpenCode has not been reached yet, so the directory it defaults to is unknown: name one (query parameter "directory" or header x-opencode-directory)',
)

/** OpenCode's own directory, or null before OpenCode was ever reached. */
export type DefaultDirectory = () => Promise<string | null>

/** The directory the request names itself (query, then header), checked; null when it names none. */
export function namedDirectory(request: FastifyRequest): string | null {
  const query = request.query as Record<string, QueryValue> | undefined
  const dir = text(query?.directory) ?? headerDirectory(request.headers)
  if (dir !== null && !isAbsolute(dir)) throw directoryNotAbsolute(dir)
  return dir
}

/** The directory the request means; 503 opencode_unavailable while OpenCode's own is unknown. */
export async function requestDirectory(request: FastifyRequest, fallback: DefaultDirectory): Promise<string> {
  return namedDirectory(request) ?? pickDefault(await fallback())
}

/** OpenCode's own directory as the answer, or the 503 while it is unknown. */
export function pickDefault(own: string | null): string {
  if (own === null) throw withExtra(directoryUnknown(), { retryAfterMs: 1000 })
  return own
}
