// Answers the page has before the app asks: Studio's own, embedded in index.html (src/http/boot-data.ts),
// or requests index.html sent while the app's code loaded (the sidebar's first state, a deep link's
// session and its newest messages). Each is taken once, by the first GET of exactly that path; later
// calls fetch as usual.

declare global {
  interface Window {
    __studioPrefetch?: Record<string, Promise<Response> | undefined>
    /** Set once index.html has sent every request it will (its sidebar pages follow the directory list). */
    __studioPrefetchDone?: boolean
  }
}

// read at each call: index.html may add one after another (the sidebar's pages follow the directories)
export function takePrefetched(path: string): Promise<Response> | undefined {
  const pending = window.__studioPrefetch
  if (!pending) return undefined
  const answer = pending[path]
  // the key stays: index.html does not send a request the app is already making itself
  if (answer || !window.__studioPrefetchDone) pending[path] = undefined
  return answer
}
