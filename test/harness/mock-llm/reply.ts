// Decides, deterministically, what the mock model answers to one chat-completions request.
// Markers in the last user text steer it (shared/opencode-reference.md §2):
//   [[delay:MS]] sleep before each streamed chunk   [[chunks:N]] number of content chunks (default 3)
//   [[error:CODE]] answer HTTP CODE with an OpenAI error body   [[tool:NAME {json}]] call one tool
//   (the JSON may contain arrays, as long as it never has `]]`)
//   [[long:N]] the answer is N characters long: the echo, then markdown (so each delta is N / chunks characters)

import { type ChatMessage, countTypes, lastUserMessage, summarizeContent } from './inspect.js'

export type ReplyPlan =
  | { kind: 'error'; status: number; message: string }
  | { kind: 'text'; text: string; chunks: number; delayMs: number; usage: Usage }
  | { kind: 'tool'; name: string; args: string; delayMs: number; usage: Usage }

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

/** A marker's value may hold single `]` (JSON arrays, e.g. the question tool's options) but not `]]`. */
const MARKER_RE = /\[\[(delay|chunks|error|tool|long):((?:[^\]]|\](?!\]))*)\]\]/g
const ECHO_MAX_CHARS = 200
/** Usage counts text, not body bytes: a big base64 image must not look like a context overflow (§6.4). */
const TOKENS_PER_ATTACHMENT = 100

interface Markers {
  delayMs: number
  chunks: number
  long: number
  error: number | null
  tool: { name: string; args: string } | null
}

export function parseMarkers(text: string): Markers {
  const markers: Markers = { delayMs: 0, chunks: 3, long: 0, error: null, tool: null }
  for (const [, key, raw = ''] of text.matchAll(MARKER_RE)) {
    const value = raw.trim()
    if (key === 'delay') markers.delayMs = Math.max(0, Number(value) || 0)
    if (key === 'chunks') markers.chunks = Math.max(1, Math.floor(Number(value) || 1))
    if (key === 'long') markers.long = Math.max(0, Math.floor(Number(value) || 0))
    if (key === 'error') markers.error = Number(value) || 500
    if (key === 'tool') {
      const space = value.indexOf(' ')
      const name = space < 0 ? value : value.slice(0, space)
      const args = space < 0 ? '{}' : value.slice(space + 1).trim()
      markers.tool = { name, args }
    }
  }
  return markers
}

export function stripMarkers(text: string): string {
  return text.replace(MARKER_RE, ' ')
}

export function planReply(body: { messages?: ChatMessage[]; tools?: unknown[] }): ReplyPlan {
  const messages = Array.isArray(body.messages) ? body.messages : []
  const user = lastUserMessage(messages)
  const summary = summarizeContent(user?.content)
  const markers = parseMarkers(summary.text)
  const usage = usageFor(messages)
  const last = messages[messages.length - 1]

  if (markers.error !== null) return { kind: 'error', status: markers.error, message: `mock error ${markers.error}` }

  if (last?.role === 'tool') {
    const result = summarizeContent(last.content).text.slice(0, ECHO_MAX_CHARS)
    return { kind: 'text', text: `TOOL RESULT: ${result}`, chunks: markers.chunks, delayMs: markers.delayMs, usage }
  }

  const offered = Array.isArray(body.tools) && body.tools.length > 0
  if (markers.tool && offered) return { kind: 'tool', ...markers.tool, delayMs: markers.delayMs, usage }

  const echo = collapse(stripMarkers(summary.text)).slice(0, ECHO_MAX_CHARS)
  const parts = countTypes(summary.partTypes)
  const text = `ECHO: ${echo} | parts=${parts} | attachments=${summary.attachments.length} bytes=${summary.attachmentBytes}`
  return { kind: 'text', text: text + longAnswer(markers.long - text.length), chunks: markers.chunks, delayMs: markers.delayMs, usage }
}

function usageFor(messages: ChatMessage[]): Usage {
  let chars = 0
  let attachments = 0
  for (const m of messages) {
    const s = summarizeContent(m.content)
    chars += s.textChars
    attachments += s.attachments.length
  }
  const prompt = Math.ceil(chars / 4) + attachments * TOKENS_PER_ATTACHMENT
  return { prompt_tokens: prompt, completion_tokens: 10, total_tokens: prompt + 10 }
}

/** What an answer is made of (paragraphs, a list, a code block), repeated to `chars` characters; '' for none. */
function longAnswer(chars: number): string {
  const blocks = [
    'The session list, the timeline and the composer each keep their own state and read the store once, so a change in one never re-renders the others.',
    '- the list pages by fifty rows;\n- the timeline keeps two hundred messages mounted;\n- the composer saves its draft every second.',
    '```ts\nexport function clamp(n: number, lo: number, hi: number): number {\n  return Math.min(hi, Math.max(lo, n))\n}\n```',
  ]
  let out = ''
  for (let i = 0; out.length < chars; i++) out += `\n\n${blocks[i % blocks.length]}`
  return out.slice(0, chars)
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Splits text into n nearly equal pieces (never empty pieces unless text is shorter than n). */
export function splitChunks(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / n))
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out.length > 0 ? out : ['']
}
