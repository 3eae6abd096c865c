// Syntax highlighting on demand (in the markdown worker): highlight.js's core plus only the languages a page's code blocks name,
// each its own small chunk loaded the first time it is needed (the `common` bundle registers 37 languages,
// ~50 ms before the first block is coloured). Blocks without a language, or with one not listed here,
// stay plain: guessing a language tries every grammar, the costliest thing a highlighter does.

import type { HLJSApi, LanguageFn } from 'highlight.js'

type Loader = () => Promise<{ default: LanguageFn }>

const LANGUAGES: Record<string, Loader> = {
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  diff: () => import('highlight.js/lib/languages/diff'),
  go: () => import('highlight.js/lib/languages/go'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  php: () => import('highlight.js/lib/languages/php'),
  python: () => import('highlight.js/lib/languages/python'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  shell: () => import('highlight.js/lib/languages/shell'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
}

const ALIASES: Record<string, string> = {
  sh: 'bash', zsh: 'bash', console: 'shell', js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  ts: 'typescript', tsx: 'typescript', py: 'python', rb: 'ruby', rs: 'rust', yml: 'yaml', html: 'xml', vue: 'xml',
  svg: 'xml', toml: 'ini', cs: 'csharp', 'c++': 'cpp', h: 'c', hpp: 'cpp', kt: 'kotlin', md: 'markdown', patch: 'diff',
}

let core: HLJSApi | null = null
const ready = new Set<string>()
const loading = new Set<string>()
const listeners: Array<() => void> = []

/** Called whenever a language arrives, so code rendered without it is redone once. */
export function onLanguage(listener: () => void): void {
  listeners.push(listener)
}

export function languageOf(tag: string): string | null {
  const name = tag.trim().toLowerCase().split(/\s+/)[0] ?? ''
  const key = ALIASES[name] ?? name
  return key in LANGUAGES ? key : null
}

/** Highlighted HTML for `code`, or null while its language is loading (or unknown): show it plain. */
export function highlight(code: string, tag: string): string | null {
  const language = languageOf(tag)
  if (!language) return null
  if (core && ready.has(language)) {
    try {
      return core.highlight(code, { language, ignoreIllegals: true }).value
    } catch {
      return null
    }
  }
  void load(language)
  return null
}

async function load(language: string): Promise<void> {
  if (loading.has(language)) return
  loading.add(language)
  try {
    const [hljs, grammar] = await Promise.all([core ? Promise.resolve({ default: core }) : import('highlight.js/lib/core'), LANGUAGES[language]!()])
    core = hljs.default
    core.registerLanguage(language, grammar.default)
    ready.add(language)
    for (const listener of listeners) listener()
  } catch {
    // offline or a failed chunk: the block stays plain; a later block may try again
    loading.delete(language)
  }
}
