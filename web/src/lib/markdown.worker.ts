// The markdown worker: parses and highlights off the main thread, so a page of long answers (or a reply
// streaming in) never blocks scrolling and typing. Messages in: {id, text}; out: {id, html, pending},
// and {language: true} when a highlighting language arrives.

import { onLanguage } from './highlight'
import { toHtml } from './markdown-core'

interface Job {
  id: number
  text: string
}

onLanguage(() => postMessage({ language: true }))

addEventListener('message', (e: MessageEvent<Job>) => {
  const { id, text } = e.data
  try {
    postMessage({ id, ...toHtml(text) })
  } catch {
    // markdown-it does not throw on any input; if it ever did, the text stays plain
    postMessage({ id, html: '', pending: false, failed: true })
  }
})
