// The first screen's data, embedded in index.html: Studio's own answers to the GETs the app makes first
// (health, directories, run state, pending requests, the sidebar's first two directories; on a deep link
// the session and its newest messages), taken by calling those routes in-process with the page request's
// credentials. The app then starts with its data instead of a chain of round trips that each wait for a
// busy main thread. Only what Studio answers from its own index is embedded (nothing that waits on
// OpenCode), and only what is ready within a small budget: the rest the page asks for as usual
// (web/index.html).

import type { FastifyInstance, FastifyRequest } from 'fastify'

/** Past this, index.html goes out with the answers that are ready. */
const BUDGET_MS = 150
/** The sidebar's directories loaded first (web/src/stores/sessions.ts loads two at a time). */
const FIRST_DIRECTORIES = 2
/** What makes the in-process call the page's own: same Host (guard), same credentials (auth). */
const PASSED_HEADERS = ['host', 'cookie', 'authorization'] as const

export interface BootAnswer {
  status: number
  /** The answer's own headers the app reads (Studio's seq, the next-page cursor, ...): every x- one. */
  headers: Record<string, string>
  /** The answer's JSON text (checked to be JSON), embedded as a value, not as a string, so the page parses it once. */
  body: string
}

/** A directory's first sidebar page, in exactly the form web/src/api/endpoints.ts asks for it. */
export function sidebarPagePath(directory: string): string {
  const q = new URLSearchParams({ directory, roots: 'true', includeChildren: 'true', limit: '50', offset: '0', includeTotal: 'true' })
  return `/api/session?${q.toString()}`
}

/** The paths a screen asks for first, apart from the sidebar pages (which follow the directory list). */
export function firstPaths(pathname: string): string[] {
  const paths = ['/health', '/api/opencode-studio/directories', '/api/session/status?local=true', '/api/attention?local=true']
  const deepLink = /^\/session\/([^/]+)$/.exec(pathname)
  if (deepLink) {
    let id: string
    try {
      id = decodeURIComponent(deepLink[1]!)
    } catch {
      return paths
    }
    const base = `/api/session/${encodeURIComponent(id)}`
    paths.unshift(base, `${base}/message?limit=50&includeTotal=true&prune=true`)
  }
  return paths
}

export async function collectBootAnswers(app: FastifyInstance, request: FastifyRequest): Promise<Map<string, BootAnswer>> {
  const headers: Record<string, string> = {}
  for (const name of PASSED_HEADERS) {
    const v = request.headers[name]
    if (typeof v === 'string') headers[name] = v
  }
  const answers = new Map<string, BootAnswer>()
  let open = true
  /** The answer's parsed value, or null when it is not a 200 with JSON (then it is not embedded). */
  const get = async (path: string): Promise<unknown> => {
    const res = await app.inject({ method: 'GET', url: path, headers })
    if (res.statusCode !== 200 || !String(res.headers['content-type'] ?? '').startsWith('application/json')) return null
    let value: unknown
    try {
      value = JSON.parse(res.body) // its text is spliced into the block as it is (bootBlock): only JSON
    } catch {
      return null
    }
    const kept: Record<string, string> = { 'content-type': String(res.headers['content-type']) }
    for (const [name, value] of Object.entries(res.headers)) if (name.startsWith('x-') && name !== 'x-request-id' && typeof value === 'string') kept[name] = value
    if (open) answers.set(path, { status: 200, headers: kept, body: res.body })
    return value
  }
  const pathname = (request.url.split('?')[0] ?? '/').replace(/\/+$/, '') || '/'
  const work = Promise.allSettled(
    firstPaths(pathname).map(async (path) => {
      const value = await get(path)
      if (path !== '/api/opencode-studio/directories' || !Array.isArray(value)) return
      const list = value as Array<{ directory?: unknown }>
      const first = list.slice(0, FIRST_DIRECTORIES).filter((d): d is { directory: string } => typeof d?.directory === 'string')
      await Promise.allSettled(first.map((d) => get(sidebarPagePath(d.directory))))
    }),
  ) // a call that fails is one answer the page asks for itself
  let timer: NodeJS.Timeout | undefined
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, BUDGET_MS)))])
  clearTimeout(timer)
  open = false // answers arriving later are not embedded: the page has gone out
  return answers
}

/** What could end the block or the script around it, as JSON escapes of the same characters. */
const UNSAFE = /[<>&\u2028\u2029]/g
const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' }

/**
 * The answers as a JSON block the inline script of index.html reads: `{path: {status, headers, data}}`,
 * where `data` is the answer's JSON itself. Embedding the text as a value rather than a string spares the
 * page a second parse and the escaping of every quote (a tenth of the block). `<`, `>` and `&` are escaped
 * so no text in the data (a session title of `</script>`) can end the block; JSON reads the escapes back
 * (they occur only inside strings in valid JSON, so escaping them there is exact).
 */
export function bootBlock(answers: Map<string, BootAnswer>): string {
  if (answers.size === 0) return ''
  const entries: string[] = []
  for (const [path, a] of answers) entries.push(`${JSON.stringify(path)}:{"status":${a.status},"headers":${JSON.stringify(a.headers)},"data":${a.body}}`)
  // one pass over the text (it can be hundreds of KB)
  const json = `{${entries.join(',')}}`.replace(UNSAFE, (c) => ESCAPES[c]!)
  return `<script type="application/json" id="studio-boot">${json}</script>`
}
