// Markdown to safe HTML for the page. Parsing and highlighting run in a worker (markdown.worker.ts); the
// page only sanitizes the answer with DOMPurify (it needs a DOM) and caches it. A text is shown plain
// until its HTML is back (the worker starts after the first frames, below; DOMPurify is a chunk of its
// own, loaded with the first text: no first paint waits for its code). Finished renderings are cached
// by key, a bounded map; a rendering whose code waited for its language is redone when
// `highlighterVersion` moves. Without workers it renders here.

import type { DOMPurify } from 'dompurify'
import { shallowRef } from 'vue'
import { afterNextPaint } from './frame'
import type { Unsafe } from './markdown-core'

export interface Rendered {
  html: string
  pending: boolean
}

/** Bumped whenever a highlighting language arrives. */
export const highlighterVersion = shallowRef(0)

let purifier: Promise<DOMPurify> | null = null
function purify(): Promise<DOMPurify> {
  purifier ??= import('dompurify').then(({ default: purify }) => {
    purify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') node.setAttribute('rel', 'noopener noreferrer')
    })
    return purify
  })
  return purifier
}

const cache = new Map<string, string>()
const MAX_CACHE = 400
const jobs = new Map<number, (out: Unsafe) => void>()
let nextId = 0
let worker: Worker | null | undefined

function startWorker(): Worker | null {
  try {
    const w = new Worker(new URL('./markdown.worker.ts', import.meta.url), { type: 'module' })
    w.onmessage = (e: MessageEvent<Unsafe & { id?: number; language?: boolean }>) => {
      if (e.data.language) {
        highlighterVersion.value++
        return
      }
      const done = jobs.get(e.data.id!)
      jobs.delete(e.data.id!)
      done?.(e.data)
    }
    return w
  } catch {
    return null
  }
}

async function unsafeHtml(text: string): Promise<Unsafe> {
  await firstFrames
  worker ??= startWorker()
  if (!worker) {
    const { toHtml } = await import('./markdown-core')
    return toHtml(text)
  }
  const id = nextId++
  return new Promise((resolve) => {
    jobs.set(id, resolve)
    worker!.postMessage({ id, text })
  })
}

// The worker starts, and texts go to it, once two frames are painted after the chat's code loaded: on a
// page load, the chat's first frame and the sidebar's rows after it. Its script's compile and its first
// renderings would otherwise share the machine's cores with those frames' layouts (A/B, 11 visits twice:
// longest load task -10 and -12 ms, 7 of 11 lower each time; formatted text ~50 ms later).
const firstFrames = new Promise<void>((resolve) => afterNextPaint(() => afterNextPaint(resolve)))

async function sanitize(html: string): Promise<string> {
  return (await purify()).sanitize(html, { ADD_ATTR: ['target'], FORBID_TAGS: ['style', 'form', 'input'] })
}

/** A finished rendering of `key`, if one is cached. */
export function cachedMarkdown(key: string | undefined): string | undefined {
  return key ? cache.get(key) : undefined
}

/** Keeps a finished rendering of `key` made elsewhere (a live text rendered in pieces). */
export function rememberMarkdown(key: string, html: string): void {
  if (cache.has(key)) return
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value!)
  cache.set(key, html)
}

export async function renderMarkdown(text: string, key?: string): Promise<Rendered> {
  const hit = cachedMarkdown(key)
  if (hit !== undefined) return { html: hit, pending: false }
  void purify() // its code loads while the worker parses
  const out = await unsafeHtml(text)
  const html = await sanitize(out.html)
  // only finished renderings are kept: a pending one is redone once its language is in
  if (key && !out.pending) rememberMarkdown(key, html)
  return { html, pending: out.pending }
}
