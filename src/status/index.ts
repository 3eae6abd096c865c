// The runtime status index: which sessions are busy, retrying, or waiting for a person, fed by OpenCode's
// events and corrected by polling OpenCode, so it can answer instantly and while OpenCode is down.

import { directoryKey } from '../lib/directory-key.js'
import type { Events } from '../events/index.js'
import type { Logger } from '../lib/log.js'
import { createSleeper } from '../lib/sleeper.js'
import type { Bridge, UpstreamClient } from '../upstream/index.js'
import { applyEvent, attentionOf, reconcileAttention, reconcileDirectory, type RuntimeMap, type SessionStatus } from './runtime.js'
import { isRecord } from '../lib/is-record.js'

export type { SessionStatus } from './runtime.js'

/** How often OpenCode is asked while it is up, so a missed event is corrected within seconds. */
const RECONCILE_MS = 3000
/** Directories that saw events this recently are reconciled too (a session may have started unseen). */
const RECENT_DIRECTORY_MS = 10 * 60_000
const MAX_DIRECTORIES = 32
const CONCURRENCY = 4
const POLL_TIMEOUT_MS = 2000
/** Idle entries without attention are forgotten after this long (the map must not grow forever). */
const FORGET_IDLE_MS = 30 * 60_000

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
}

export function createStatusIndex(deps: StatusDeps): StatusIndex {
  const map: RuntimeMap = new Map()
  const recent = new Map<string, number>() // directory → last event time
  const sleeper = createSleeper()
  let stopped = false
  let loop: Promise<void> | null = null
  let running: Promise<void> | null = null

  const offEvents = deps.events.hub.listen((event) => {
    const e = event.data as Parameters<typeof applyEvent>[1]
    if (!e?.payload?.type) return
    applyEvent(map, e)
    if (event.directory) recent.set(event.directory, Date.now())
  })
  const offConnected = deps.events.onUpstreamConnected(() => void reconcile())

  function directoriesToPoll(): string[] {
    const now = Date.now()
    const out = new Set<string>()
    for (const r of map.values()) if (r.directory && (r.status.type !== 'idle' || attentionOf(r))) out.add(r.directory)
    for (const [dir, at] of recent) {
      if (now - at > RECENT_DIRECTORY_MS) recent.delete(dir)
      else out.add(dir)
    }
    for (const dir of deps.candidateDirectories?.() ?? []) out.add(dir)
    return [...out].slice(0, MAX_DIRECTORIES)
  }

  async function getJson(path: string): Promise<unknown> {
    const res = await deps.upstream.request({
      method: 'GET',
      path,
      signal: AbortSignal.timeout(POLL_TIMEOUT_MS),
      headersTimeout: POLL_TIMEOUT_MS,
      bodyTimeout: POLL_TIMEOUT_MS,
    })
    const text = await res.body.text()
    if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`)
    return JSON.parse(text)
  }

  async function reconcileOne(directory: string): Promise<void> {
    const q = `directory=${encodeURIComponent(directory)}`
    const [status, permissions, questions] = await Promise.all([
      getJson(`/session/status?${q}`),
      getJson(`/permission?${q}`).catch(() => null),
      getJson(`/question?${q}`).catch(() => null),
    ])
    if (isRecord(status)) reconcileDirectory(map, directory, status)
    if (Array.isArray(permissions) && Array.isArray(questions)) reconcileAttention(map, directory, { permissions, questions })
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
    reconcileNow: () => reconcile(),
    start() {
      loop ??= run()
    },
    async close() {
      stopped = true
      offEvents()
      offConnected()
      sleeper.cancel()
      await loop
      await running
    },
  }
}
