// Pure helpers that read an OpenAI chat-completions request body: what the model was sent.

import { createHash } from 'node:crypto'
// Shared by the reply logic and the request log, so both describe the same thing.

export interface ContentSummary {
  text: string
  textChars: number
  partTypes: string[]
  /** sha256 is of the decoded bytes, so a test can check the model got exactly the file's content. */
  attachments: { type: string; mime: string | null; bytes: number; sha256: string | null }[]
  attachmentBytes: number
}

export interface ChatMessage {
  role: string
  content?: unknown
  tool_calls?: unknown
  tool_call_id?: string
}

const DATA_URL_RE = /^data:([^;,]*)(;base64)?,/

/** What a data URL decodes to: its mime, byte count and SHA-256 (null/0 for anything else). */
export function dataUrlBytes(url: string): { mime: string | null; bytes: number; sha256: string | null } {
  const m = DATA_URL_RE.exec(url)
  if (!m) return { mime: null, bytes: 0, sha256: null }
  const payload = url.slice(m[0].length)
  const data = m[2] ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload))
  return { mime: m[1] || null, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') }
}

/** Summarises one message's content (a string or an array of typed parts). */
export function summarizeContent(content: unknown): ContentSummary {
  const out: ContentSummary = { text: '', textChars: 0, partTypes: [], attachments: [], attachmentBytes: 0 }
  if (typeof content === 'string') {
    out.text = content
    out.partTypes.push('string')
  } else if (Array.isArray(content)) {
    const texts: string[] = []
    for (const part of content as Record<string, unknown>[]) {
      const type = typeof part?.type === 'string' ? part.type : 'unknown'
      out.partTypes.push(type)
      if (type === 'text' && typeof part.text === 'string') texts.push(part.text)
      const url = attachmentUrl(part)
      if (url !== null) {
        const { mime, bytes, sha256 } = dataUrlBytes(url)
        out.attachments.push({ type, mime, bytes, sha256 })
        out.attachmentBytes += bytes
      }
    }
    out.text = texts.join('\n')
  }
  out.textChars = out.text.length
  return out
}

function attachmentUrl(part: Record<string, unknown>): string | null {
  if (part.type === 'image_url') {
    const image = part.image_url as { url?: unknown } | undefined
    return typeof image?.url === 'string' ? image.url : ''
  }
  if (part.type === 'file') {
    const file = part.file as { file_data?: unknown } | undefined
    return typeof file?.file_data === 'string' ? file.file_data : ''
  }
  if (part.type === 'input_audio') return ''
  return null
}

/** `text:1,image_url:2` in first-seen order. */
export function countTypes(types: string[]): string {
  const counts = new Map<string, number>()
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1)
  return [...counts].map(([t, n]) => `${t}:${n}`).join(',')
}

export function lastUserMessage(messages: ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return messages[i]
  return undefined
}

export function systemHead(messages: ChatMessage[]): string | null {
  const sys = messages.find((m) => m.role === 'system')
  if (!sys) return null
  return summarizeContent(sys.content).text.slice(0, 80)
}
