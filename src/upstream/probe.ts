// OpenCode's readiness probe: `GET /global/health` on a fresh connection with a short deadline.
// The first connection OpenCode accepts after it starts listening is never answered
// (shared/opencode-reference.md §1.4), so a probe must time out and retry, and must not use the shared
// pool: a hung socket there would stall real requests.

import { Client } from 'undici'

export type ProbeResult =
  | { ok: true; version: string | null }
  | { ok: false; message: string; refused: boolean; status?: number }

export async function probeHealth(origin: string, authorization: string | null, timeoutMs: number): Promise<ProbeResult> {
  const client = new Client(origin, { connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
  try {
    const res = await client.request({
      method: 'GET',
      path: '/global/health',
      headers: authorization ? { authorization } : {},
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await res.body.text()
    if (res.statusCode === 401) return { ok: false, message: 'OpenCode rejected Studio\'s credentials (401)', refused: false, status: 401 }
    if (res.statusCode !== 200) return { ok: false, message: `health check answered ${res.statusCode}`, refused: false, status: res.statusCode }
    const body = safeJson(text) as { healthy?: unknown; version?: unknown } | null
    if (body?.healthy !== true) return { ok: false, message: 'health check did not report healthy', refused: false }
    return { ok: true, version: typeof body.version === 'string' ? body.version : null }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return { ok: false, message: describeNetworkError(err), refused: code === 'ECONNREFUSED' }
  } finally {
    client.destroy().catch(() => {})
  }
}

export function describeNetworkError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }
  const code = e.code ?? e.cause?.code
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset'
  if (e.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timed out'
  return e.message || String(err)
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
