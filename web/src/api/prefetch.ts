// Answers index.html asked for before the app's code arrived (a deep link's session and its newest
// messages). Each is taken once, by the first GET of exactly that path; later calls fetch as usual.

declare global {
  interface Window {
    __studioPrefetch?: Record<string, Promise<Response>>
  }
}

const pending = new Map<string, Promise<Response>>(Object.entries(window.__studioPrefetch ?? {}))
delete window.__studioPrefetch

export function takePrefetched(path: string): Promise<Response> | undefined {
  const answer = pending.get(path)
  if (answer) pending.delete(path)
  return answer
}
