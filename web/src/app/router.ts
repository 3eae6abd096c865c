// Two screens, home (/) and a session (/session/<id>), on the History API: one reactive route, push,
// and the browser's back and forward. Not vue-router: its start-up (matcher, initial navigation, guard
// extraction, the lazy view resolved through them) was 40–60 ms of the first screen's one long task,
// measured in profiles, for two routes that need none of it.

import { shallowRef, type Component } from 'vue'
import { routeOf, type Route } from './routes'

export type { Route }

/** The route shown: the page's own path, or home for one that is neither screen (the URL says so too). */
function current(): Route {
  const route = routeOf(location.pathname)
  if (route) return route
  history.replaceState(history.state, '', '/')
  return { name: 'home' }
}

export const route = shallowRef<Route>(current())

window.addEventListener('popstate', () => (route.value = current()))

export const router = {
  /** Shows `path` (an app path) and adds it to the history, unless it is the page already shown. */
  push(path: string): Promise<void> {
    if (path !== location.pathname) history.pushState(null, '', path)
    route.value = current()
    return Promise.resolve()
  },
}

/** The chat view, once its chunk (which index.html preloads, see vite.config.ts) is in. */
export const chatView = shallowRef<Component | null>(null)
let chatLoad: Promise<void> | null = null

export function loadChatView(): Promise<void> {
  chatLoad ??= import('../features/chat/ChatView.vue').then(
    (m) => void (chatView.value = m.default),
    (err: unknown) => {
      chatLoad = null // a failed chunk load is tried again on the next open
      throw err
    },
  )
  return chatLoad
}
