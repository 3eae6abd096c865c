import { describe, expect, it } from 'vitest'
import type { GlobalEvent } from '../events/index.js'
import { applyEvent, attentionOf, reconcileAttention, reconcileDirectory, toStatus, type RuntimeMap } from './runtime.js'

const ev = (type: string, properties: Record<string, unknown>, directory = '/d'): GlobalEvent => ({ directory, payload: { type, properties } })

describe('toStatus', () => {
  it.each([
    [{ type: 'busy' }, { type: 'busy' }],
    ['idle', { type: 'idle' }],
    [{ type: 'retry', attempt: 2, message: ' rate limited ', next: 123, extra: 1 }, { type: 'retry', attempt: 2, message: 'rate limited', next: 123 }],
    [{ type: 'retry', attempt: 'x', next: Number.NaN }, { type: 'retry' }],
    [{ type: 'weird' }, null],
    [null, null],
  ])('%j → %j', (input, expected) => expect(toStatus(input)).toEqual(expected))
})

describe('events', () => {
  it('tracks busy, retry with details, and idle', () => {
    const map: RuntimeMap = new Map()
    applyEvent(map, ev('session.status', { sessionID: 's', status: { type: 'busy' } }))
    expect(map.get('s')).toMatchObject({ status: { type: 'busy' }, directory: '/d' })
    applyEvent(map, ev('session.status', { sessionID: 's', status: { type: 'retry', attempt: 1, message: 'mock error 503', next: 9 } }))
    expect(map.get('s')!.status).toEqual({ type: 'retry', attempt: 1, message: 'mock error 503', next: 9 })
    applyEvent(map, ev('session.idle', { sessionID: 's' }))
    expect(map.get('s')!.status).toEqual({ type: 'idle' })
  })

  it('does not end work on session.error (OpenCode carries on after some errors)', () => {
    const map: RuntimeMap = new Map()
    applyEvent(map, ev('session.status', { sessionID: 's', status: { type: 'busy' } }))
    expect(applyEvent(map, ev('session.error', { sessionID: 's', error: { name: 'UnknownError' } }))).toBe(false)
    expect(map.get('s')!.status.type).toBe('busy')
  })

  it('keeps attention while any request of the session is pending', () => {
    const map: RuntimeMap = new Map()
    applyEvent(map, ev('permission.asked', { id: 'p1', sessionID: 's' }))
    applyEvent(map, ev('permission.asked', { id: 'p2', sessionID: 's' }))
    applyEvent(map, ev('question.asked', { id: 'q1', sessionID: 's' }))
    expect(attentionOf(map.get('s')!)).toBe('permission')
    applyEvent(map, ev('permission.replied', { sessionID: 's', requestID: 'p1', reply: 'once' }))
    expect(attentionOf(map.get('s')!)).toBe('permission')
    applyEvent(map, ev('permission.replied', { sessionID: 's', requestID: 'p2', reply: 'once' }))
    expect(attentionOf(map.get('s')!)).toBe('question')
    applyEvent(map, ev('question.rejected', { sessionID: 's', requestID: 'q1' }))
    expect(attentionOf(map.get('s')!)).toBeNull()
  })

  it('forgets deleted sessions and ignores events without a session', () => {
    const map: RuntimeMap = new Map()
    applyEvent(map, ev('session.status', { sessionID: 's', status: { type: 'busy' } }))
    expect(applyEvent(map, ev('session.deleted', { info: { id: 's' } }))).toBe(true)
    expect(map.size).toBe(0)
    expect(applyEvent(map, ev('session.status', { status: { type: 'busy' } }))).toBe(false)
  })
})

describe('reconciling with OpenCode', () => {
  it("takes OpenCode's map as the truth for that directory only", () => {
    const map: RuntimeMap = new Map()
    applyEvent(map, ev('session.status', { sessionID: 'stuck', status: { type: 'busy' } }, '/a'))
    applyEvent(map, ev('session.status', { sessionID: 'elsewhere', status: { type: 'busy' } }, '/b'))
    reconcileDirectory(map, '/a', { fresh: { type: 'retry', attempt: 3 } })
    expect(map.get('stuck')!.status.type).toBe('idle')
    expect(map.get('fresh')).toMatchObject({ status: { type: 'retry', attempt: 3 }, directory: '/a' })
    expect(map.get('elsewhere')!.status.type).toBe('busy')
  })

  it('with no directory, only adds what OpenCode lists', () => {
    const map: RuntimeMap = new Map()
    applyEvent(map, ev('session.status', { sessionID: 'x', status: { type: 'busy' } }, '/a'))
    reconcileDirectory(map, null, {})
    expect(map.get('x')!.status.type).toBe('busy')
  })

  it("replaces a directory's pending requests with OpenCode's list", () => {
    const map: RuntimeMap = new Map()
    applyEvent(map, ev('question.asked', { id: 'old', sessionID: 'gone' }, '/a'))
    reconcileAttention(map, '/a', { permissions: [{ id: 'p', sessionID: 'now' }], questions: [] })
    expect(attentionOf(map.get('gone')!)).toBeNull()
    expect(attentionOf(map.get('now')!)).toBe('permission')
  })
})
