// Server-sent event frames as Studio writes them (WHATWG HTML §9.2). Event frames carry `id: <seq>` so a
// browser's EventSource resumes with Last-Event-ID; control frames (heartbeat, replay gap) carry no id, so
// they never move a client's cursor.

export function eventFrame(seq: number, data: string): Buffer {
  return Buffer.from(`id: ${seq}\ndata: ${data}\n\n`)
}

/** An event that is relayed but not numbered (no `id:`): it does not move a client's cursor. */
export function bareFrame(data: string): Buffer {
  return Buffer.from(`data: ${data}\n\n`)
}

/** OpenCode opens its streams with this greeting (opencode-reference.md §5.1); so does Studio's. */
export const CONNECTED_FRAME = Buffer.from('data: {"payload":{"type":"server.connected","properties":{}}}\n\n')

export const HEARTBEAT_FRAME = Buffer.from('event: heartbeat\ndata: {}\n\n')

export interface GapInfo {
  /** Why Studio cannot replay what the client missed. */
  reason: 'cursor-too-old' | 'cursor-ahead' | 'cursor-invalid' | 'client-too-slow' | 'frame-too-large'
  requestedLastEventId: number | null
  seqAtSubscribe: number
  /** The first sequence number the client may have missed. */
  gapSeq: number | null
}

/** The Rust Studio's replay-gap frame, with the reason added. */
export function gapFrame(info: GapInfo, now = Date.now()): Buffer {
  const data = JSON.stringify({ type: 'opencode-studio:replay-gap', timestamp: now, properties: { scope: 'global', ...info } })
  return Buffer.from(`event: replay-gap\ndata: ${data}\n\n`)
}

/** The first frame of every stream: tells EventSource how long to wait before reconnecting. */
export function retryFrame(ms: number): Buffer {
  return Buffer.from(`retry: ${ms}\n\n`)
}
