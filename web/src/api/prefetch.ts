// Answers index.html asked for before the app's code arrived (the sidebar's first state, a deep link's
// session and its newest messages). Each is taken once, by the first GET of exactly that path; later
// calls fetch as usual.

declare global {
  interface Window {
    __studioPrefetch?: Record<string, Promise<Response>>
  }
}

// read at each call: index.html may add one after another (the sidebar's pages follow the directories)
export function takePrefetched(path: string): Promise<Response> | undefined {
  const pending = window.__studioPrefetch
  const answer = pending?.[path]
  if (answer) delete pending[path]
  return answer
}
