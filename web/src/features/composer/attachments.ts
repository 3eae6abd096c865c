// Attachments: the type is sniffed from the first bytes (a name or browser mime can lie); only what
// OpenCode can pass to a model is accepted. Bytes stream to Studio's /api/fs/upload (progress, cancel)
// and the prompt names them by serverPath: no base64 ever lives in the page.

import { shallowRef } from 'vue'

export interface Attachment {
  key: string
  filename: string
  mime: string
  size: number
  progress: number
  state: 'uploading' | 'ready' | 'failed'
  error?: string
  serverPath?: string
  xhr?: XMLHttpRequest
  previewUrl?: string
}

const TEXT_EXT = /\.(txt|md|markdown|json|jsonc|ya?ml|toml|xml|csv|tsv|ini|cfg|conf|log|env|sh|bash|zsh|fish|ps1|py|rb|go|rs|java|kt|kts|scala|c|h|cc|cpp|hpp|cs|swift|m|mm|js|mjs|cjs|jsx|ts|tsx|vue|svelte|html|htm|css|scss|less|sql|graphql|proto|lua|php|pl|r|dart|ex|exs|erl|hs|clj|el|vim|dockerfile|makefile|gradle|tf|nix)$/i

export type Sniffed = { ok: true; mime: string } | { ok: false; reason: string }

export async function sniff(file: File): Promise<Sniffed> {
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer())
  const at = (i: number, ...bytes: number[]): boolean => bytes.every((b, j) => head[i + j] === b)
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return { ok: true, mime: 'image/png' }
  if (at(0, 0xff, 0xd8, 0xff)) return { ok: true, mime: 'image/jpeg' }
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return { ok: true, mime: 'image/gif' }
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return { ok: true, mime: 'image/webp' }
  if (at(0, 0x25, 0x50, 0x44, 0x46)) return { ok: true, mime: 'application/pdf' }
  if (at(0, 0x00, 0x00, 0x01, 0x00)) return { ok: false, reason: 'ICO icons cannot be sent to a model (convert it to PNG)' }
  if (/heic|heif/i.test(file.type) || /\.hei[cf]$/i.test(file.name)) return { ok: false, reason: 'HEIC photos cannot be sent: convert to JPEG first' }
  if (file.size === 0) return { ok: false, reason: 'the file is empty' }
  if (file.type.startsWith('image/')) return { ok: false, reason: `${file.type} images cannot be sent to a model (PNG, JPEG, GIF and WebP can)` }
  if (/^(audio|video)\//.test(file.type)) return { ok: false, reason: `${file.type} cannot be sent to a model` }
  // Text: no NUL bytes and valid UTF-8 in the first 4 KB.
  if (!head.includes(0)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.length === 4096 ? head.slice(0, 4000) : head)
      if (file.type.startsWith('text/') || TEXT_EXT.test(file.name) || file.type === 'application/json') return { ok: true, mime: file.type.startsWith('text/') ? file.type : 'text/plain' }
      return { ok: true, mime: 'text/plain' }
    } catch {
      // not text
    }
  }
  return { ok: false, reason: `${file.type || 'binary'} files cannot be sent to a model (images, PDF and text can)` }
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(-80) || 'file'
}

export function uploadPath(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return `.opencode-studio/uploads/${stamp}-${Math.random().toString(36).slice(2, 8)}-${safeName(name)}`
}

/** Streams the file to the workspace; updates `att` (a shallowRef'd list is re-triggered by `touch`). */
export function upload(file: File, directory: string, att: Attachment, touch: () => void): Promise<void> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    att.xhr = xhr
    const url = `/api/fs/upload?directory=${encodeURIComponent(directory)}&path=${encodeURIComponent(uploadPath(file.name))}`
    xhr.open('POST', url)
    xhr.setRequestHeader('content-type', 'application/octet-stream')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) {
        att.progress = e.loaded / e.total
        touch()
      }
    }
    xhr.onload = () => {
      att.xhr = undefined
      try {
        const body = JSON.parse(xhr.responseText) as { path?: string; error?: string }
        if (xhr.status < 300 && body.path) {
          att.serverPath = body.path
          att.state = 'ready'
          att.progress = 1
        } else {
          att.state = 'failed'
          att.error = body.error ?? `upload failed (${xhr.status})`
        }
      } catch {
        att.state = 'failed'
        att.error = `upload failed (${xhr.status})`
      }
      touch()
      resolve()
    }
    xhr.onerror = () => {
      att.xhr = undefined
      att.state = 'failed'
      att.error = 'upload failed: Studio is not reachable'
      touch()
      resolve()
    }
    xhr.onabort = () => resolve()
    xhr.send(file)
  })
}

export function useAttachments() {
  const list = shallowRef<Attachment[]>([])
  const touch = (): void => {
    list.value = [...list.value]
  }
  return { list, touch }
}
