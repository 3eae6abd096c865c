// The runtime state of sessions and how events and OpenCode's answers change it. Pure functions over a
// map, so every rule is table-testable.
//
// Deliberate differences from the Rust Studio (rust-studio-behaviour.md §5, §11.4): `session.error` does
// not make a session idle (OpenCode emits it for a missing file:// attachment and then carries on,
// opencode-reference.md §5.3; only `session.status`/`session.idle` say when work ends), retry details are
// kept, and attention is tracked per pending request so one reply does not hide another pending one.

import type { GlobalEvent } from '../events/index.js'

export type SessionStatus =
  | { type: 'idle' }
  | { type: 'busy' }
  | { type: 'retry'; attempt?: number; message?: string; next?: number }

export interface SessionRuntime {
  status: SessionStatus
  /** Pending permission and question requests (their ids). */
  permissions: Set<string>
  questions: Set<string>
  directory: string | null
  updatedAt: number
}

export type RuntimeMap = Map<string, SessionRuntime>

export type Attention = 'permission' | 'question' | null

export function attentionOf(r: SessionRuntime): Attention {
  return r.permissions.size > 0 ? 'permission' : r.questions.size > 0 ? 'question' : null
}

const IDLE: SessionStatus = { type: 'idle' }

/** OpenCode's status object, reduced to what its API documents (unknown fields and bad values dropped). */
export function toStatus(value: unknown): SessionStatus | null {
  const v = (typeof value === 'string' ? { type: value } : value) as Record<string, unknown> | null
  const type = typeof v?.type === 'string' ? v.type.trim() : ''
  if (type === 'idle' || type === 'busy') return { type }
  if (type !== 'retry') return null
  const out: SessionStatus = { type: 'retry' }
  if (typeof v!.attempt === 'number' && Number.isFinite(v!.attempt)) out.attempt = v!.attempt
  if (typeof v!.message === 'string' && v!.message.trim()) out.message = v!.message.trim()
  if (typeof v!.next === 'number' && Number.isFinite(v!.next)) out.next = v!.next
  return out
}

function entry(map: RuntimeMap, id: string, directory: string | null, now: number): SessionRuntime {
  let r = map.get(id)
  if (!r) {
    r = { status: IDLE, permissions: new Set(), questions: new Set(), directory, updatedAt: now }
    map.set(id, r)
  }
  if (directory) r.directory = directory
  return r
}

function setStatus(r: SessionRuntime, status: SessionStatus, now: number): boolean {
  if (sameStatus(r.status, status)) return false
  r.status = status
  r.updatedAt = now
  return true
}

function sameStatus(a: SessionStatus, b: SessionStatus): boolean {
  if (a.type !== 'retry' || b.type !== 'retry') return a.type === b.type
  return a.attempt === b.attempt && a.message === b.message && a.next === b.next
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null)

/** The session an event is about, whichever field carries it. */
function sessionOf(props: Record<string, unknown>): string | null {
  const info = props.info as Record<string, unknown> | undefined
  return str(props.sessionID) ?? str(props.sessionId) ?? str(props.session_id) ?? (info ? str(info.sessionID) ?? str(info.id) : null)
}

function requestOf(props: Record<string, unknown>): string | null {
  return str(props.requestID) ?? str(props.permissionID) ?? str(props.id) ?? str(props.callID)
}

/** Applies one OpenCode event; returns true when the map changed. */
export function applyEvent(map: RuntimeMap, event: GlobalEvent, now = Date.now()): boolean {
  const type = event.payload.type
  const props = event.payload.properties ?? {}
  const id = sessionOf(props)
  if (!id) return false
  const directory = typeof event.directory === 'string' ? event.directory : null
  switch (type) {
    case 'session.status': {
      const status = toStatus(props.status)
      return status ? setStatus(entry(map, id, directory, now), status, now) : false
    }
    case 'session.idle':
      return setStatus(entry(map, id, directory, now), IDLE, now)
    case 'permission.asked':
    case 'question.asked': {
      const r = entry(map, id, directory, now)
      const request = requestOf(props) ?? `${type}:${now}`
      const set = type === 'permission.asked' ? r.permissions : r.questions
      if (set.has(request)) return false
      set.add(request)
      r.updatedAt = now
      return true
    }
    case 'permission.replied':
    case 'question.replied':
    case 'question.rejected': {
      const r = map.get(id)
      if (!r) return false
      const set = type === 'permission.replied' ? r.permissions : r.questions
      const request = requestOf(props)
      // a reply without a request id settles all of the session's pending requests of that kind
      const changed = request ? set.delete(request) : set.size > 0 && (set.clear(), true)
      if (changed) r.updatedAt = now
      return changed
    }
    case 'session.deleted':
      return map.delete(id)
    default:
      return false
  }
}

/**
 * OpenCode's answer for one directory is authoritative for it: listed sessions take the listed status,
 * and sessions of that directory believed busy but not listed are idle (OpenCode lists only non-idle
 * ones). This is what keeps a missed `session.idle` from leaving a session busy forever.
 */
export function reconcileDirectory(map: RuntimeMap, directory: string | null, answer: Record<string, unknown>, now = Date.now()): boolean {
  let changed = false
  for (const [id, value] of Object.entries(answer)) {
    const status = toStatus(value)
    if (status) changed = setStatus(entry(map, id, directory, now), status, now) || changed
  }
  if (directory === null) return changed
  for (const [id, r] of map) {
    if (r.directory === directory && r.status.type !== 'idle' && !(id in answer)) changed = setStatus(r, IDLE, now) || changed
  }
  return changed
}

/** Pending permission and question requests of one directory, as OpenCode lists them. */
export function reconcileAttention(
  map: RuntimeMap,
  directory: string,
  pending: { permissions: { id?: unknown; sessionID?: unknown }[]; questions: { id?: unknown; sessionID?: unknown }[] },
  now = Date.now(),
): boolean {
  const want = new Map<string, { permissions: Set<string>; questions: Set<string> }>()
  const collect = (items: { id?: unknown; sessionID?: unknown }[], kind: 'permissions' | 'questions') => {
    for (const item of items) {
      const sid = str(item.sessionID)
      if (!sid) continue
      let w = want.get(sid)
      if (!w) want.set(sid, (w = { permissions: new Set(), questions: new Set() }))
      w[kind].add(str(item.id) ?? `${kind}:${now}`)
    }
  }
  collect(pending.permissions, 'permissions')
  collect(pending.questions, 'questions')
  let changed = false
  for (const [sid, w] of want) {
    const r = entry(map, sid, directory, now)
    if (!sameSet(r.permissions, w.permissions) || !sameSet(r.questions, w.questions)) {
      r.permissions = w.permissions
      r.questions = w.questions
      r.updatedAt = now
      changed = true
    }
  }
  for (const [sid, r] of map) {
    if (r.directory === directory && !want.has(sid) && (r.permissions.size > 0 || r.questions.size > 0)) {
      r.permissions = new Set()
      r.questions = new Set()
      r.updatedAt = now
      changed = true
    }
  }
  return changed
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x))
}
