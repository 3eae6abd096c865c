import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../lib/log.js'
import { isPublic, normalisedPath } from './auth.js'
import { createLockout, LOCKOUT_POLICY } from './lockout.js'

describe('which requests are public', () => {
  it.each([
    ['GET', '/health', true],
    ['GET', '/auth/session', true],
    ['POST', '/auth/login', true],
    ['POST', '/auth/logout', true],
    ['GET', '/', true],
    ['GET', '/login', true],
    ['GET', '/assets/index-1a2b.js', true],
    ['GET', '/session/ses_1', true],
    ['POST', '/auth/token', false],
    ['GET', '/auth/token', false],
    ['GET', '/api', false],
    ['GET', '/api/session', false],
    ['GET', '/metrics', false],
    ['POST', '/', false],
    ['PUT', '/health', false],
  ])('%s %s → %s', (method, path, expected) => {
    expect(isPublic(method, normalisedPath(path), undefined)).toBe(expected)
  })

  it('judges the path as a router would read it, and the matched route too', () => {
    for (const url of ['//api/session', '/%61pi/session', '/API/session?x=1', '/%2Fapi/session']) expect(isPublic('GET', normalisedPath(url), undefined)).toBe(false)
    expect(isPublic('GET', '/something', '/api/*')).toBe(false)
    expect(normalisedPath('/%zz')).toBe('/%zz')
  })
})

describe('lockout', () => {
  let dir: string
  let clock = 1_000_000
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocs-lockout-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))
  const make = () => createLockout({ file: join(dir, 'nested', 'lockout.json'), now: () => clock, log: createLogger('silent') })

  it('locks on the 8th failure in the window, persists it atomically, and a new instance honours it', async () => {
    const lockout = make()
    for (let i = 1; i < LOCKOUT_POLICY.maxFailures; i++) expect((await lockout.fail('a')).locked).toBe(false)
    expect(await lockout.fail('a')).toEqual({ locked: true, retryAfterMs: LOCKOUT_POLICY.lockMs })
    expect(lockout.check('b')).toEqual({ locked: false })
    const saved = JSON.parse(readFileSync(join(dir, 'nested', 'lockout.json'), 'utf8'))
    expect(saved.a.lockedUntil).toBe(clock + LOCKOUT_POLICY.lockMs)
    clock += 60_000
    expect(make().check('a')).toEqual({ locked: true, retryAfterMs: LOCKOUT_POLICY.lockMs - 60_000 })
    clock += LOCKOUT_POLICY.lockMs
    expect(make().check('a')).toEqual({ locked: false })
  })

  it('a success clears the address; an unreadable file starts empty', async () => {
    const lockout = make()
    for (let i = 1; i < LOCKOUT_POLICY.maxFailures; i++) await lockout.fail('a')
    await lockout.succeed('a')
    expect((await lockout.fail('a')).locked).toBe(false)
    const broken = createLockout({ file: join(dir, 'nope', '..', 'x.json'), now: () => clock, log: createLogger('silent') })
    expect(broken.check('a')).toEqual({ locked: false })
  })
})
