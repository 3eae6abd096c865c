// One way for tests to call Studio or OpenCode over HTTP and read the answer: status, headers, the raw
// text, and the body parsed as JSON when it is JSON (the text itself otherwise, e.g. /metrics).

import { request, type Dispatcher } from 'undici'

export interface CallInit {
  method?: Dispatcher.HttpMethod
  /** Sent as JSON with a JSON content type. */
  body?: unknown
  /** Sent as is (wins over `body`). */
  raw?: Buffer | string
  headers?: Record<string, string>
  /** E.g. an Agent bound to another loopback address. */
  dispatcher?: Dispatcher
}

export interface CallResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  body: any
}

export async function callJson(url: string, init: CallInit = {}): Promise<CallResult> {
  const json = init.raw === undefined && init.body !== undefined
  const res = await request(url, {
    method: init.method ?? 'GET',
    headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.raw ?? (json ? JSON.stringify(init.body) : null),
    ...(init.dispatcher ? { dispatcher: init.dispatcher } : {}),
  })
  const text = await res.body.text()
  return { status: res.statusCode, headers: res.headers, text, body: parse(text) }
}

function parse(text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
