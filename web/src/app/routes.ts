// The app's two screens and the paths that show them (app/router.ts keeps the one shown).

export type Route = { name: 'home' } | { name: 'session'; id: string }

const SESSION_PATH = /^\/session\/([^/]+)$/

export function routeOf(pathname: string): Route | null {
  if (pathname === '/') return { name: 'home' }
  const m = SESSION_PATH.exec(pathname)
  if (!m) return null
  try {
    return { name: 'session', id: decodeURIComponent(m[1]!) }
  } catch {
    return null // a malformed escape
  }
}
