// Watches an OpenCode that Studio did not start: probe its health, report it unavailable when it stops
// answering, and ready again as soon as it is back. Studio cannot restart it, only notice.

import { backoffDelayMs } from '../lib/backoff.js'
import type { Logger } from '../lib/log.js'
import { createSleeper } from '../lib/sleeper.js'
import { probeHealth, type ProbeResult } from './probe.js'
import type { StateHolder } from './state.js'
import type { Supervisor } from './supervise-spawn.js'

/** How often a healthy OpenCode is probed. */
const HEALTH_INTERVAL_MS = 5000
/** Probing a lost OpenCode: 0.5 s, 1 s, 2 s … capped at 5 s, so recovery is seen quickly. */
const RECOVERY_BACKOFF = { baseMs: 500, maxMs: 5000 }
const PROBE_TIMEOUT_MS = 3000
/** A busy OpenCode can miss a probe or two (seen under heavy load); a refused connection counts at once. */
const MISSES_BEFORE_UNAVAILABLE = 3

export interface AttachSupervisorDeps {
  origin: string
  authorization: string | null
  state: StateHolder
  log: Logger
}

export function createAttachSupervisor(deps: AttachSupervisorDeps): Supervisor {
  const { origin, state, log } = deps
  const sleeper = createSleeper()
  let stopped = false
  let loop: Promise<void> | null = null
  let misses = 0
  let inFlight: Promise<ProbeResult> | null = null

  /** One probe at a time: the loop and rechecks share it. */
  function probe(): Promise<ProbeResult> {
    inFlight ??= probeHealth(origin, deps.authorization, PROBE_TIMEOUT_MS).finally(() => (inFlight = null))
    return inFlight
  }

  /** Applies a probe result to the state; returns whether OpenCode counts as reachable. */
  function apply(result: ProbeResult): boolean {
    if (result.ok) {
      misses = 0
      if (state.get().state !== 'ready') {
        state.update({ state: 'ready', url: origin, version: result.version })
        log.info({ url: origin, version: result.version }, 'opencode ready')
      }
      return true
    }
    misses++
    const wasReady = state.get().state === 'ready'
    if (!wasReady || result.refused || misses >= MISSES_BEFORE_UNAVAILABLE) {
      const unauthorized = result.status === 401
      state.update({
        state: 'unavailable',
        lastError: {
          code: unauthorized ? 'unauthorized' : 'unreachable',
          summary: `OpenCode at ${origin} is not answering: ${result.message}`,
          ...(unauthorized ? { hint: 'set OPENCODE_SERVER_PASSWORD (and OPENCODE_SERVER_USERNAME) to match the server' } : {}),
          at: Date.now(),
        },
      })
      if (wasReady) log.warn({ url: origin, reason: result.message }, 'opencode lost')
    }
    return false
  }

  async function run(): Promise<void> {
    while (!stopped) {
      const result = await probe()
      if (stopped) break
      const reachable = apply(result)
      const unsure = !reachable && state.get().state === 'ready'
      await sleeper.sleep(reachable ? HEALTH_INTERVAL_MS : unsure ? 0 : backoffDelayMs(misses, RECOVERY_BACKOFF))
    }
  }

  return {
    start() {
      loop ??= run().catch((err: unknown) => log.fatal({ err }, 'opencode watcher crashed'))
    },
    async recheck() {
      if (stopped) return
      apply(await probe())
      sleeper.wake()
    },
    async stop() {
      stopped = true
      sleeper.cancel()
      await loop
    },
    killNow: () => {},
  }
}
