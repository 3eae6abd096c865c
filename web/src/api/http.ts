// The typed fetch client: JSON in and out, Studio's seq header read on every answer, errors turned into
// one readable message (Studio's {error, code} or OpenCode's {name, data.message}).

import { takeBoot, takePrefetched } from './prefetch'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface Answer<T> {
  data: T
  seq: number | null
  headers: Headers
}

const TIMEOUT_MS = 20_000

export async function call<T>(path: string, init: RequestInit & { json?: unknown; timeoutMs?: number } = {}): Promise<Answer<T>> {
  const { json, timeoutMs, ...rest } = init
  const headers = new Headers(rest.headers)
  if (json !== undefined) headers.set('content-type', 'application/json')
  const plain = rest.method === undefined && json === undefined && init.signal === undefined
  // an answer Studio embedded in index.html, taken as it is (api/prefetch.ts)
  const boot = plain ? takeBoot(path) : undefined
  if (boot) return { data: boot.data as T, seq: seqOf(boot.headers['x-opencode-studio-seq'] ?? null), headers: new Headers(boot.headers) }
  const signal = rest.signal ?? AbortSignal.timeout(timeoutMs ?? TIMEOUT_MS)
  let res: Response
  // a plain GET index.html already sent takes that answer
  const early = plain ? takePrefetched(path) : undefined
  try {
    res = await (early ?? fetch(path, { ...rest, headers, signal, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) }))
  } catch (err) {
    if ((err as Error).name === 'AbortError' && rest.signal?.aborted) throw err
    if ((err as Error).name === 'TimeoutError') throw new ApiError(0, 'no answer in time', 'timeout')
    throw new ApiError(0, 'Studio is not reachable', 'network')
  }
  return answerOf<T>(res.status, res.headers, await res.text())
}

function seqOf(header: string | null): number | null {
  return header !== null && header !== '' ? Number(header) : null
}

function answerOf<T>(status: number, headers: Headers, text: string): Answer<T> {
  const seq = seqOf(headers.get('x-opencode-studio-seq'))
  let body: unknown = null
  if (text !== '') {
    try {
      body = JSON.parse(text)
    } catch {
      body = text
    }
  }
  if (status < 200 || status > 299) throw toError(status, body)
  return { data: body as T, seq, headers }
}

export async function get<T>(path: string, signal?: AbortSignal): Promise<Answer<T>> {
  return call<T>(path, signal ? { signal } : {})
}

function toError(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; code?: unknown; name?: unknown; data?: { message?: unknown }; message?: unknown }
    const code = typeof b.code === 'string' ? b.code : typeof b.name === 'string' ? b.name : null
    const message =
      typeof b.error === 'string' ? b.error
      : typeof b.data?.message === 'string' ? b.data.message
      : typeof b.message === 'string' ? b.message
      : `HTTP ${status}`
    return new ApiError(status, message, code)
  }
  if (status === 502 || status === 503) return new ApiError(status, 'OpenCode is not available right now', null)
  return new ApiError(status, typeof body === 'string' && body.length < 200 && body !== '' ? body : `HTTP ${status}`, null)
}

export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const out = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') out.set(k, String(v))
  const s = out.toString()
  return s ? `?${s}` : ''
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message
  if (err instanceof Error) return err.message
  return String(err)
}
