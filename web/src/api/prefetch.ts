// Answers the page has before the app asks. Studio's own, embedded in index.html (src/http/boot-data.ts):
// taken as they are, so the stores fill in microtasks and the first paint shows them. And requests
// index.html sent while the app's code loaded (what Studio did not embed). Each is taken once, by the
// first GET of exactly that path; later calls fetch as usual.

export interface BootAnswer {
  status: number
  headers: Record<string, string>
  /** The answer's JSON, already parsed with the block. */
  data: unknown
}

declare global {
  interface Window {
    __studioBoot?: Record<string, BootAnswer | undefined>
    __studioPrefetch?: Record<string, Promise<Response> | undefined>
    /** Set once index.html has sent every request it will (its sidebar pages follow the directory list). */
    __studioPrefetchDone?: boolean
  }
}

export function takeBoot(path: string): BootAnswer | undefined {
  const answers = window.__studioBoot
  const answer = answers?.[path]
  if (answer) answers[path] = undefined
  return answer
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
