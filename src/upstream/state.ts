// The bridge's observable state: which phase OpenCode is in, where it is, and the last thing that went
// wrong. Supervisors write it; /health, the proxy and later the event hub read it.

export type BridgeStateName = 'starting' | 'ready' | 'restarting' | 'unavailable'

export interface BridgeError {
  /** start_failed | start_timeout | exited | binary_not_found | unreachable | unauthorized */
  code: string
  summary: string
  detail?: string
  hint?: string
  /** The tail of what a spawned OpenCode printed before it failed. */
  stderrExcerpt?: string
  exitCode?: number | null
  signal?: string | null
  at: number
}

export interface BridgeSnapshot {
  mode: 'spawn' | 'attach'
  state: BridgeStateName
  /** When the current state began (epoch ms). */
  since: number
  url: string | null
  pid: number | null
  version: string | null
  restarts: number
  lastError: BridgeError | null
  binary: { path: string; source: string } | null
}

export interface StateHolder {
  get(): Readonly<BridgeSnapshot>
  update(patch: Partial<Omit<BridgeSnapshot, 'mode' | 'since'>>): void
  onChange(listener: (snapshot: Readonly<BridgeSnapshot>) => void): () => void
}

export function createStateHolder(mode: BridgeSnapshot['mode'], now: () => number = Date.now): StateHolder {
  let current: BridgeSnapshot = {
    mode,
    state: 'starting',
    since: now(),
    url: null,
    pid: null,
    version: null,
    restarts: 0,
    lastError: null,
    binary: null,
  }
  const listeners = new Set<(s: Readonly<BridgeSnapshot>) => void>()
  return {
    get: () => current,
    update(patch) {
      const changedState = patch.state !== undefined && patch.state !== current.state
      current = Object.freeze({ ...current, ...patch, since: changedState ? now() : current.since })
      for (const l of listeners) l(current)
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
