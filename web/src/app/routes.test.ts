import { describe, expect, it } from 'vitest'
import { routeOf } from './routes'

describe('routeOf', () => {
  it('knows the two screens and nothing else', () => {
    expect(routeOf('/')).toEqual({ name: 'home' })
    expect(routeOf('/session/ses_abc')).toEqual({ name: 'session', id: 'ses_abc' })
    expect(routeOf('/session/a%20b')).toEqual({ name: 'session', id: 'a b' })
    for (const path of ['/session', '/session/', '/session/a/b', '/sessions/x', '/x', '']) expect(routeOf(path), path).toBeNull()
  })

  it('refuses a malformed escape instead of throwing', () => {
    expect(routeOf('/session/%E0%A4%A')).toBeNull()
  })
})
