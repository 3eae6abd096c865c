// Pruned message pages remembered until OpenCode next commits. A session's newest page is what every
// open and reload of it asks for first (it rides in index.html), and reading it can cost tens of
// milliseconds: a part holding a 1 MB image is read through overflow pages and parsed by SQLite's JSON
// functions each time. `PRAGMA data_version` moves (up) only when another connection commits, so
// an unchanged version proves the page unchanged. Only pruned pages are kept: their long strings are cut,
// so an entry stays small (tens of KB), and the bound caps the whole.

import { createLru } from '../../lib/lru.js'
import type { MessagePage, MessagePageRequest } from '../types.js'

/** Pages kept (a few open sessions, a page or two each). */
const MAX_PAGES = 16

export interface PageMemo {
  get(sessionId: string, page: MessagePageRequest, version: number): MessagePage | undefined
  /** `version` is the data_version read before the page was: a commit after it makes the entry stale. */
  set(sessionId: string, page: MessagePageRequest, version: number, value: MessagePage): void
  readonly size: number
}

export function createPageMemo(maxPages = MAX_PAGES): PageMemo {
  let at: number | null = null
  const pages = createLru<MessagePage>(maxPages)
  const key = (sessionId: string, page: MessagePageRequest) =>
    JSON.stringify([sessionId, page.offset, page.limit, page.before, page.includeTotal, page.elide ?? null])
  const sync = (version: number) => {
    if (version === at) return
    pages.clear()
    at = version
  }
  return {
    get(sessionId, page, version) {
      sync(version)
      return pages.get(key(sessionId, page))
    },
    set(sessionId, page, version, value) {
      if (at !== null && version < at) return // read before a commit a later lookup has seen
      sync(version)
      pages.set(key(sessionId, page), value)
    },
    get size() {
      return pages.size
    },
  }
}
