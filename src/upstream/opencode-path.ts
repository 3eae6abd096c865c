// OpenCode's own directory: what `GET /path` reports (`{home, state, config, worktree, directory}`;
// `directory` is the server's working directory when a request names none, opencode-reference.md §3).
// It is what OpenCode means by "no directory", so Studio's local answers mean the same.

import { Client } from 'undici'

const TIMEOUT_MS = 3000

export async function fetchOpenCodeDirectory(origin: string, authorization: string | null): Promise<string | null> {
  const client = new Client(origin, { connectTimeout: TIMEOUT_MS, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS })
  try {
    const res = await client.request({
      method: 'GET',
      path: '/path',
      headers: authorization ? { authorization } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    const text = await res.body.text()
    if (res.statusCode !== 200) return null
    const body = JSON.parse(text) as { directory?: unknown }
    return typeof body.directory === 'string' && body.directory !== '' ? body.directory : null
  } catch {
    return null
  } finally {
    client.destroy().catch(() => {})
  }
}
