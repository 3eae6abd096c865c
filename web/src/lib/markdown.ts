// Markdown to safe HTML: markdown-it with raw HTML disabled (it renders as text), then DOMPurify.
// Code is highlighted once highlight.js has been loaded (lazily, on the first code block); finished
// texts are cached by key, a bounded map.

import MarkdownIt from 'markdown-it'
import DOMPurify from 'dompurify'
import { shallowRef } from 'vue'

type Hljs = typeof import('highlight.js/lib/common').default
let hljs: Hljs | null = null
let loading = false
/** Bumped when the highlighter arrives, so rendered code is redone once. */
export const highlighterVersion = shallowRef(0)
const MAX_HIGHLIGHT_LINES = 1000

function loadHighlighter(): void {
  if (loading) return
  loading = true
  void import('highlight.js/lib/common').then((m) => {
    hljs = m.default
    cache.clear()
    highlighterVersion.value++
  })
}

const md = new MarkdownIt({
  html: false,
  linkify: true,
  breaks: false,
  highlight(code, lang): string {
    if (!hljs) {
      loadHighlighter()
      return ''
    }
    if (code.split('\n').length > MAX_HIGHLIGHT_LINES) return ''
    try {
      const out = lang && hljs.getLanguage(lang) ? hljs.highlight(code, { language: lang, ignoreIllegals: true }) : hljs.highlightAuto(code)
      return `<pre class="hljs"><code>${out.value}</code></pre>`
    } catch {
      return ''
    }
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

export function renderMarkdown(text: string, key?: string): string {
  if (key) {
    const hit = cache.get(key)
    if (hit !== undefined) return hit
  }
  const html = DOMPurify.sanitize(md.render(text), { ADD_ATTR: ['target'], FORBID_TAGS: ['style', 'form', 'input'] })
  if (key) {
    if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value!)
    cache.set(key, html)
  }
  return html
}
