// The runtime status index: which sessions are busy, retrying, or waiting for a person, fed by OpenCode's
// events and corrected by polling OpenCode, so it can answer instantly and while OpenCode is down.

import { directoryKey } from '../lib/directory-key.js'
import { notice, type Events } from '../events/index.js'
import type { Logger } from '../lib/log.js'
import { createSleeper } from '../lib/sleeper.js'
import type { Bridge, UpstreamClient } from '../upstream/index.js'
import { applyEvent, attentionOf, reconcileAttention, reconcileDirectory, type RuntimeMap, type SessionStatus } from './runtime.js'
import { isRecord } from '../lib/is-record.js'
import { createAttentionBook, type AttentionKind, type PendingRequest } from './attention.js'
import { planPoll } from './poll-plan.js'

export type { SessionStatus } from './runtime.js'

/** One pending request as GET /api/attention lists it. */
export interface AttentionEntry {
  kind: AttentionKind
  directory: string | null
  /** The session's root (itself when it has no parent), so a UI shows a child's requests on its parent. */
  rootSessionID: string
  request: PendingRequest['request']
}

/**
 * How often OpenCode is asked about active directories while it is up, so a missed event is corrected
 * within seconds (quieter directories less often: poll-plan.ts).
 */
const RECONCILE_MS = 3000
/** Directories that saw events this recently are reconciled too (a session may have started unseen). */
const RECENT_DIRECTORY_MS = 10 * 60_000
const CONCURRENCY = 4
const POLL_TIMEOUT_MS = 2000
/** Idle entries without attention are forgotten after this long (the map must not grow forever). */
const FORGET_IDLE_MS = 30 * 60_000
/**
 * After OpenCode comes back, each directory is asked with this deadline, a few times: the first connection
 * a fresh OpenCode accepts may never be answered (opencode-reference.md §1.4), and a UI must not be left
 * showing a dead run as busy.
 */
const RECOVER_TIMEOUT_MS = 600
/** Each attempt waits twice as long as the one before, up to this (a fresh OpenCode on a busy machine can take seconds per directory). */
const RECOVER_MAX_TIMEOUT_MS = 8000
const RECOVER_ATTEMPTS = 8

export interface StatusQuery {
  /** Only sessions of this directory (exact, as OpenCode's own endpoint). */
  directory: string | null
  sessionId: string | null
}

export interface StatusIndex {
  /** OpenCode's shape: non-idle sessions only, retry details kept. */
  local(query: StatusQuery): Record<string, SessionStatus>
  /** Takes an answer OpenCode gave for a directory (null: its default directory) as authoritative. */
  merge(directory: string | null, answer: Record<string, unknown>): void
  /** Sessions waiting for a permission or question reply. */
  attention(): Record<string, 'permission' | 'question'>
  /** Every pending request (of one directory, or all), oldest first. */
  pending(directory: string | null): AttentionEntry[]
  /**
   * Asks OpenCode for the pending requests of one directory (or of every directory worth asking about)
   * within `timeoutMs`; true when every answer arrived (the book then mirrors OpenCode).
   */
  refreshPending(directory: string | null, timeoutMs: number): Promise<boolean>
  reconcileNow(): Promise<void>
  start(): void
  close(): Promise<void>
}

export interface StatusDeps {
  events: Events
  upstream: UpstreamClient
  bridge: Bridge
  log: Logger
  /** Directories worth polling besides those with known activity (e.g. of recently updated sessions). */
  candidateDirectories?: () => string[]
  /** The directory OpenCode means when a request names none (a spawned OpenCode's cwd), if known. */
  defaultDirectory: string | null
  /** A session's root (following parentID); the session itself when unknown. */
  rootOf?: (sessionId: string) => string
}

export function createStatusIndex(deps: StatusDeps): StatusIndex {
  const map: RuntimeMap = new Map()
  const recent = new Map<string, number>() // directory → last event time
  const sleeper = createSleeper()
  let stopped = false
  let loop: Promise<void> | null = null
  let running: Promise<void> | null = null

  const book = createAttentionBook()
  const offEvents = deps.events.hub.listen((event) => {
    const e = event.data as Parameters<typeof applyEvent>[1]
    if (!e?.payload?.type) return
    applyEvent(map, e)
    book.applyEvent(e.payload.type, e.payload.properties ?? {}, event.directory)
    if (event.directory) recent.set(event.directory, Date.now())
  })
  const recovery = createRecovery()
  const offConnected = deps.events.onUpstreamConnected((reconnect) => {
    if (reconnect) void recovery.recover()
    else void reconcile()
  })
  const offDisconnected = deps.events.onUpstreamDisconnected(() => recovery.atRisk())
  // OpenCode back after an outage (a restart, or an attached one reachable again): settle at once
  const offBridge = deps.bridge.onChange((snapshot) => {
    if (snapshot.state !== 'ready') recovery.atRisk()
    else void recovery.recover()
  })

  let lastSweep = 0
  /** `all`: every directory worth asking about now (an explicit refresh), not the pass's plan. */
  function directoriesToPoll(all = false): string[] {
    const now = Date.now()
    const active = new Set<string>()
    for (const r of map.values()) if (r.directory && (r.status.type !== 'idle' || attentionOf(r))) active.add(r.directory)
    for (const [dir, at] of recent) if (now - at > RECENT_DIRECTORY_MS) recent.delete(dir)
    const plan = planPoll({ active, lastEvent: recent, candidates: deps.candidateDirectories?.() ?? [], now, lastSweep: all ? 0 : lastSweep })
    if (plan.sweep && !all) lastSweep = now
    return plan.directories
  }

  async function getJson(path: string, timeoutMs = POLL_TIMEOUT_MS): Promise<unknown> {
    const res = await deps.upstream.request({
      method: 'GET',
      path,
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
    const text = await res.body.text()
    if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`)
    return JSON.parse(text)
  }

  async function reconcileOne(directory: string, timeoutMs = POLL_TIMEOUT_MS): Promise<void> {
    const q = `directory=${encodeURIComponent(directory)}`
    const [status, permissions, questions] = await Promise.all([
      getJson(`/session/status?${q}`, timeoutMs),
      getJson(`/permission?${q}`, timeoutMs).catch(() => null),
      getJson(`/question?${q}`, timeoutMs).catch(() => null),
    ])
    if (isRecord(status)) reconcileDirectory(map, directory, status)
    if (Array.isArray(permissions) && Array.isArray(questions)) {
      reconcileAttention(map, directory, { permissions, questions })
      book.reconcile(directory, { permissions, questions })
    }
  }

  /** Only the pending lists of one directory (for GET /api/attention). */
  async function pendingOf(directory: string, timeoutMs: number): Promise<void> {
    const q = `directory=${encodeURIComponent(directory)}`
    const [permissions, questions] = await Promise.all([getJson(`/permission?${q}`, timeoutMs), getJson(`/question?${q}`, timeoutMs)])
    if (!Array.isArray(permissions) || !Array.isArray(questions)) throw new Error('unexpected pending lists')
    reconcileAttention(map, directory, { permissions, questions })
    book.reconcile(directory, { permissions, questions })
  }

  /**
   * Runs after OpenCode went away and came back (a restart, or a stream gap): every session that was busy
   * or waiting when it went away is reconciled at once, and each one OpenCode now reports idle gets an
   * `opencode-studio:session-interrupted` notice (the run it was in cannot have finished normally, or
   * finished unseen).
   */
  function createRecovery() {
    let risk: Map<string, string | null> | null = null
    let pidAtRisk: number | null = null
    let pass: Promise<void> | null = null
    return {
      atRisk() {
        if (!risk) {
          risk = new Map()
          pidAtRisk = deps.bridge.snapshot().pid
        }
        for (const [id, r] of map) if (r.status.type !== 'idle' || attentionOf(r)) risk.set(id, r.directory)
      },
      recover(): Promise<void> {
        if (!risk || !deps.bridge.target()) return Promise.resolve()
        pass ??= (async () => {
          const sessions = risk!
          const reason = deps.bridge.snapshot().pid !== pidAtRisk ? 'opencode-restarted' : 'stream-reconnected'
          risk = null
          const dirs = new Set<string>()
          for (const d of sessions.values()) if (d) dirs.add(d)
          const settled = new Set<string>()
          await Promise.all([...dirs].map(async (d) => (await withRetries((ms) => reconcileOne(d, ms))) && settled.add(d)))
          for (const [id, directory] of sessions) {
            // a directory OpenCode never answered for stays at risk: the next recovery asks again
            if (directory && !settled.has(directory)) {
              ;(risk ??= new Map()).set(id, directory)
              continue
            }
            const r = map.get(id)
            if (r && (r.status.type !== 'idle' || attentionOf(r))) continue
            deps.events.hub.publish(notice('session-interrupted', { sessionID: id, directory, reason }))
          }
        })().finally(() => (pass = null))
        return pass
      },
    }
  }

  /** Runs `fn` with a growing deadline until it succeeds (true) or the attempts run out (false). */
  async function withRetries(fn: (timeoutMs: number) => Promise<void>): Promise<boolean> {
    for (let attempt = 1, ms = RECOVER_TIMEOUT_MS; ; attempt++, ms = Math.min(ms * 2, RECOVER_MAX_TIMEOUT_MS)) {
      try {
        await fn(ms)
        return true
      } catch (err) {
        if (attempt >= RECOVER_ATTEMPTS || stopped) {
          deps.log.debug({ reason: String(err) }, 'status recovery failed')
          return false
        }
      }
    }
  }

  /** Asks OpenCode about every directory worth asking about; one pass at a time. */
  function reconcile(): Promise<void> {
    running ??= (async () => {
      if (!deps.bridge.target()) return
      const dirs = directoriesToPoll()
      for (let i = 0; i < dirs.length; i += CONCURRENCY) {
        const results = await Promise.allSettled(dirs.slice(i, i + CONCURRENCY).map(reconcileOne))
        for (const r of results) if (r.status === 'rejected') deps.log.debug({ reason: String(r.reason) }, 'status reconcile failed')
      }
      forgetIdle()
    })().finally(() => (running = null))
    return running
  }

  function forgetIdle(): void {
    const cutoff = Date.now() - FORGET_IDLE_MS
    for (const [id, r] of map) if (r.status.type === 'idle' && !attentionOf(r) && r.updatedAt < cutoff) map.delete(id)
  }

  async function run(): Promise<void> {
    while (!stopped) {
      // sessions whose directory OpenCode did not answer for after an outage are asked about again
      await recovery.recover().catch(() => {})
      await reconcile().catch(() => {})
      await sleeper.sleep(RECONCILE_MS)
    }
  }

  return {
    local({ directory, sessionId }) {
      const key = directory === null ? null : directoryKey(directory)
      const out: Record<string, SessionStatus> = {}
      for (const [id, r] of map) {
        if (r.status.type === 'idle') continue
        if (sessionId !== null && id !== sessionId) continue
        if (key !== null && (r.directory === null || directoryKey(r.directory) !== key)) continue
        out[id] = r.status
      }
      return out
    },
    merge(directory, answer) {
      reconcileDirectory(map, directory ?? deps.defaultDirectory, answer)
    },
    attention() {
      const out: Record<string, 'permission' | 'question'> = {}
      for (const [id, r] of map) {
        const a = attentionOf(r)
        if (a) out[id] = a
      }
      return out
    },
    pending(directory) {
      const rootOf = deps.rootOf ?? ((id: string) => id)
      return book.list(directory).map((r) => ({ kind: r.kind, directory: r.directory, rootSessionID: rootOf(r.request.sessionID), request: r.request }))
    },
    async refreshPending(directory, timeoutMs) {
      if (!deps.bridge.target()) return false
      const dirs = directory !== null ? [directory] : directoriesToPoll(true)
      const results = await Promise.allSettled(dirs.map((d) => pendingOf(d, timeoutMs)))
      return results.every((r) => r.status === 'fulfilled')
    },
    reconcileNow: () => reconcile(),
    start() {
      loop ??= run()
    },
    async close() {
      stopped = true
      offEvents()
      offConnected()
      offDisconnected()
      offBridge()
      sleeper.cancel()
      await loop
      await running
    },
  }
}
