// Markdown to HTML (not yet sanitized): markdown-it with raw HTML disabled (it renders as text), links
// that open a new tab without handing it this page, and code highlighted once its language has loaded
// (lib/highlight.ts). Runs in the markdown worker; the page sanitizes what comes back.

import MarkdownIt from 'markdown-it'
import { highlight, languageOf } from './highlight'

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

type Rule = NonNullable<typeof md.renderer.rules.link_open>
const defaultLinkOpen: Rule = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('target', '_blank')
  tokens[idx]!.attrSet('rel', 'noopener noreferrer')
  return defaultLinkOpen(tokens, idx, options, env, self)
}

export interface Unsafe {
  html: string
  /** Some code waits for its language: render again once it arrives. */
  pending: boolean
}

export function toHtml(text: string): Unsafe {
  waiting = false
  const html = md.render(text)
  return { html, pending: waiting }
}
