// Markdown to safe HTML: markdown-it with raw HTML disabled (it renders as text), then DOMPurify.
// Code in a named language is highlighted once that language has loaded (lib/highlight.ts): a text whose
// code still waits for its language says so (`pending`), and only those are rendered again when a
// language arrives. Finished texts are cached by key, a bounded map.

import MarkdownIt from 'markdown-it'
import DOMPurify from 'dompurify'
import { highlight, highlighterVersion, languageOf } from './highlight'

export { highlighterVersion }
const MAX_HIGHLIGHT_LINES = 1000
/** Set while rendering when a code block's language is still loading. */
let waiting = false

const md = new MarkdownIt({
  html: false,
  linkify: true,
  breaks: false,
  highlight(code, lang): string {
    if (code.split('\n').length > MAX_HIGHLIGHT_LINES) return ''
    const html = highlight(code, lang)
    if (html === null && languageOf(lang)) waiting = true
    return html === null ? '' : `<pre class="hljs"><code>${html}</code></pre>`
  },
})

// Links open in a new tab, without handing it this page.
type Rule = NonNullable<typeof md.renderer.rules.link_open>
const defaultLinkOpen: Rule = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
const linkOpen: Rule = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('target', '_blank')
  tokens[idx]!.attrSet('rel', 'noopener noreferrer')
  return defaultLinkOpen(tokens, idx, options, env, self)
}
md.renderer.rules.link_open = linkOpen

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') node.setAttribute('rel', 'noopener noreferrer')
})

const cache = new Map<string, string>()
const MAX_CACHE = 400

export interface Rendered {
  html: string
  /** Some code waits for its language: render again when `highlighterVersion` moves. */
  pending: boolean
}

export function renderMarkdown(text: string, key?: string): Rendered {
  if (key) {
    const hit = cache.get(key)
    if (hit !== undefined) return { html: hit, pending: false }
  }
  waiting = false
  const html = DOMPurify.sanitize(md.render(text), { ADD_ATTR: ['target'], FORBID_TAGS: ['style', 'form', 'input'] })
  const pending = waiting
  // only finished renderings are kept: a pending one is redone once its language is in
  if (key && !pending) {
    if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value!)
    cache.set(key, html)
  }
  return { html, pending }
}
