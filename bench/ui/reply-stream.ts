// The reply the UI benchmark streams into the long session, for Studio's UI and then OpenCode's app: started
// through either, followed on OpenCode's event stream, and removed again so each app opens the same session.

import { openSse } from '../../test/support/sse.js'

export interface StreamTarget {
  /** OpenCode's URL: where the reply is followed (and removed). */
  opencode: string
  sessionId: string
  directory: string
}

type Message = { info: { id: string; role: string }; parts: { type: string; text?: string }[] }

/**
 * Starts a reply of `seconds` × 1000 / `deltaMs` deltas (the mock LLM waits `deltaMs` before each), posted
 * through `via` (OpenCode, or Studio's /api), and resolves when its first delta has reached OpenCode, with
 * how long that took (ms): the long session's history takes OpenCode seconds to send upstream, so a watch
 * of `seconds` that starts then covers the streaming, however long that wait.
 */
export async function streamReply(via: string, target: StreamTarget, seconds: number, deltaMs: number): Promise<number> {
  const { opencode, sessionId } = target
  const q = `directory=${encodeURIComponent(target.directory)}`
  await idle(target)
  const chunks = (seconds * 1000) / deltaMs
  // [[long]]: without it the mock's answer is its ~70-character echo, a few dozen deltas (about 1.5 s) however
  // many chunks are asked for; 4 characters a delta, about a token
  const text = `stream a long answer [[delay:${deltaMs}]] [[chunks:${chunks}]] [[long:${chunks * 4}]]`
  // OpenCode stores a streaming text part empty until the reply ends (opencode-reference.md §9): the first
  // delta is seen on its event stream, subscribed before the prompt goes out
  const events = await openSse(`${opencode}/event?${q}`)
  try {
    await events.waitFor((e) => e.json?.type === 'server.connected', "OpenCode's event stream", 30_000)
    const sent = Date.now()
    const res = await fetch(`${via}/session/${sessionId}/prompt_async?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parts: [{ type: 'text', text }] }),
    })
    if (res.status !== 204) throw new Error(`prompt_async answered ${res.status}: ${await res.text()}`)
    await events.waitFor((e) => e.json?.type === 'message.part.delta' && e.json?.properties?.sessionID === sessionId, 'the first delta of the reply', 180_000)
    return Date.now() - sent
  } finally {
    events.close()
  }
}

/** Once the reply is over, deletes the messages that are not the dataset's (`keep`): prompt and reply. */
export async function dropReplies(target: StreamTarget, keep: ReadonlySet<string>): Promise<number> {
  const q = `directory=${encodeURIComponent(target.directory)}`
  await idle(target)
  const recent = await get<Message[]>(`${target.opencode}/session/${target.sessionId}/message?limit=20&${q}`)
  const extra = recent.filter((m) => !keep.has(m.info.id))
  for (const m of extra) {
    const res = await fetch(`${target.opencode}/session/${target.sessionId}/message/${m.info.id}?${q}`, { method: 'DELETE' })
    if (res.status !== 200) throw new Error(`deleting message ${m.info.id} answered ${res.status}: ${await res.text()}`)
  }
  return extra.length
}

/** A reply still running would make the next prompt queue behind it, and a busy session refuses deletes. */
async function idle(target: StreamTarget): Promise<void> {
  const q = `directory=${encodeURIComponent(target.directory)}`
  await until(async () => ((await get<Record<string, { type: string }>>(`${target.opencode}/session/status?${q}`))[target.sessionId]?.type ?? 'idle') === 'idle', 'the session to be idle')
}

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url)
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`)
  return (await res.json()) as T
}

async function until(ok: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await ok()); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
