// The OpenCode bridge: one object that knows whether OpenCode can be reached, where, and with which
// credentials, whether Studio spawned it or attaches to it.

import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import type { OpenCodeConfig } from '../config/index.js'
import type { Logger } from '../lib/log.js'
import { fetchOpenCodeDirectory } from './opencode-path.js'
import { createStateHolder, type BridgeSnapshot } from './state.js'
import { createAttachSupervisor } from './supervise-attach.js'
import { createSpawnSupervisor, type Supervisor } from './supervise-spawn.js'

export interface UpstreamTarget {
  origin: string
  /** The Authorization header for OpenCode, when it needs one. */
  authorization: string | null
}

export interface Bridge {
  readonly mode: 'spawn' | 'attach'
  snapshot(): Readonly<BridgeSnapshot>
  /** Where to send requests while OpenCode is ready; null otherwise. */
  target(): UpstreamTarget | null
  onChange(listener: (snapshot: Readonly<BridgeSnapshot>) => void): () => void
  /**
   * OpenCode's own directory (its `GET /path`), what it means when a request names none. Asked each
   * time OpenCode becomes ready; the last answer is kept while it is down. Before OpenCode was ever
   * reached: a spawned OpenCode's working directory, or null for one Studio attaches to.
   */
  directory(): Promise<string | null>
  /** Resolves true once ready, false if `timeoutMs` passes first. */
  whenReady(timeoutMs: number): Promise<boolean>
  /**
   * A request to OpenCode failed at the transport level: re-check now instead of at the next probe.
   * Resolves once the state reflects it, so the caller can answer 503 (down) rather than 502 (flaky).
   */
  reportTransportFailure(): Promise<void>
  start(): void
  close(): Promise<void>
  /** For process exit handlers: SIGKILL a spawned OpenCode synchronously. */
  killNow(): void
}

export function createBridge(config: OpenCodeConfig, log: Logger): Bridge {
  const state = createStateHolder(config.mode)
  // A spawned OpenCode always gets a password: nothing else on this machine (or a DNS-rebinding web
  // page) can then drive the agent behind Studio's back.
  const password = config.password ?? (config.mode === 'spawn' ? randomBytes(24).toString('base64url') : null)
  const authorization = password ? `Basic ${Buffer.from(`${config.username}:${password}`).toString('base64')}` : null

  const supervisor: Supervisor =
    config.mode === 'spawn'
      ? createSpawnSupervisor({ config, state, log, password: password!, authorization: authorization! })
      : createAttachSupervisor({ origin: `http://${hostForUrl(config.host)}:${config.port}`, authorization, state, log })

  let directory: string | null = config.mode === 'spawn' ? resolve(config.cwd) : null
  let asking: Promise<void> | null = null
  /** Tries a few times: /path answers as soon as health does, but a request can still be lost. */
  const askDirectory = async (origin: string) => {
    for (let attempt = 0; attempt < 3 && state.get().url === origin; attempt++) {
      const answer = await fetchOpenCodeDirectory(origin, authorization)
      if (answer !== null) {
        if (answer !== directory) log.info({ directory: answer }, 'opencode directory')
        directory = answer
        return
      }
    }
    log.warn({ url: origin }, 'opencode did not report its directory')
  }
  let wasReady = false
  state.onChange((s) => {
    const ready = s.state === 'ready' && s.url !== null
    if (ready && !wasReady) asking = askDirectory(s.url!).finally(() => (asking = null))
    wasReady = ready
  })

  return {
    mode: config.mode,
    async directory() {
      if (asking) await asking
      return directory
    },
    snapshot: state.get,
    target() {
      const s = state.get()
      return s.state === 'ready' && s.url ? { origin: s.url, authorization } : null
    },
    onChange: state.onChange,
    whenReady(timeoutMs) {
      if (state.get().state === 'ready') return Promise.resolve(true)
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          off()
          resolve(false)
        }, timeoutMs)
        const off = state.onChange((s) => {
          if (s.state !== 'ready') return
          clearTimeout(timer)
          off()
          resolve(true)
        })
      })
    },
    reportTransportFailure: () => supervisor.recheck(),
    start: () => supervisor.start(),
    close: () => supervisor.stop(),
    killNow: () => supervisor.killNow(),
  }
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}
