// The one mime table, shared by uploads and forwarding: the same file gets the same mime either way, so
// an uploaded .txt, .md or .json is a cache hit when it is sent later (the Rust Studio's two tables made
// those misses, rust-studio-behaviour.md §3.5).
//
// It is also the list of what OpenCode can hand to a model (checked against opencode 1.18.33): text of any
// text/* type becomes text, PNG/JPEG/GIF/WebP become images, PDF a file. Anything else (application/json,
// SVG, octet-stream …) is stored by OpenCode and then fails every later prompt of the session
// (opencode-reference.md §6.4), so Studio refuses it up front. Text formats with application/* types are
// sent as text/plain, which OpenCode accepts for the same content.

import { extname } from 'node:path'

const TEXT = 'text/plain'

const BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  md: 'text/markdown',
  markdown: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  // images and media OpenCode cannot pass on: known, so the refusal can say what they are
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heic: 'image/heic',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  exe: 'application/octet-stream',
  bin: 'application/octet-stream',
}

/** Plain-text formats, sent as text/plain. */
const TEXT_EXTENSIONS = new Set(
  (
    'txt text log json jsonl ndjson yaml yml toml ini cfg conf env xml js mjs cjs jsx ts mts cts tsx py rb go rs java ' +
    'kt kts scala swift c h cc cpp hpp cs m mm php lua r sql sh bash zsh fish ps1 bat vue svelte astro dart ex exs ' +
    'erl hs ml clj gradle properties gitignore dockerignore editorconfig lock diff patch tex rst adoc org'
  ).split(' '),
)

/** application/* types whose content is text: OpenCode refuses them, but takes the same bytes as text/plain. */
const TEXTUAL_APPLICATION_TYPES = new Set([
  'application/json',
  'application/x-ndjson',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/javascript',
  'application/x-javascript',
  'application/typescript',
  'application/x-sh',
  'application/sql',
])

const MODEL_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'])

/** The mime for a file name from the table, or null when the extension says nothing. */
export function mimeForName(name: string): string | null {
  const ext = extname(name).slice(1).toLowerCase() || name.split('/').pop()!.replace(/^\./, '').toLowerCase()
  if (TEXT_EXTENSIONS.has(ext)) return TEXT
  return BY_EXTENSION[ext] ?? null
}

/** A client-given mime, normalised: parameters dropped, textual application types made text/plain. */
export function normalizeMime(mime: string): string {
  const base = mime.split(';')[0]!.trim().toLowerCase()
  return TEXTUAL_APPLICATION_TYPES.has(base) ? TEXT : base
}

/** Can OpenCode pass this to a model without poisoning the session? */
export function isSupportedMime(mime: string): boolean {
  return mime.startsWith('text/') || MODEL_TYPES.has(mime)
}

/** For files the table does not know: UTF-8 text without NUL bytes is text/plain, anything else is binary. */
export function sniffMime(head: Buffer): string {
  if (head.includes(0)) return 'application/octet-stream'
  // a multi-byte character may be cut at the end of the sample: ignore up to 3 trailing bytes
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut))
      return TEXT
    } catch {
      // try shorter
    }
  }
  return head.length === 0 ? TEXT : 'application/octet-stream'
}

/** How many bytes sniffing looks at. */
export const SNIFF_BYTES = 8192
