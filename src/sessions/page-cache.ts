// Recently computed pages, valid until the store changes. A sidebar asks for the same few pages again and
// again between changes; at 100k sessions a page costs a couple of milliseconds to compute and
// microseconds to reuse. Any change to any session invalidates everything (changes are rare next to reads).

import { createLru } from '../lib/lru.js'
import type { SessionStore } from './store.js'
import type { ListPage, ListQuery } from './tree-page.js'

/** Distinct queries remembered (a few sidebars × a few pages each). */
const MAX_ENTRIES = 64

export interface PageCache {
  get(store: SessionStore, query: ListQuery, compute: () => ListPage): ListPage
}

export function createPageCache(maxEntries = MAX_ENTRIES): PageCache {
  let owner: SessionStore | null = null
  let version = -1
  const pages = createLru<ListPage>(maxEntries)
  return {
    get(store, query, compute) {
      if (store !== owner || store.version !== version) {
        pages.clear()
        owner = store
        version = store.version
      }
      const key = JSON.stringify(query)
      const hit = pages.get(key)
      if (hit) return hit
      const page = compute()
      pages.set(key, page)
      return page
    },
  }
}
