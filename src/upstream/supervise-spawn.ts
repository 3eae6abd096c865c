// Keeps a Studio-owned `opencode serve` alive: spawn on a free loopback port, wait until it answers,
// and when it dies, restart it with exponential backoff. Stopping Studio stops the child.

import { existsSync } from 'node:fs'
import { backoffDelayMs } from '../lib/backoff.js'
import { freePort } from '../lib/free-port.js'
import type { Logger } from '../lib/log.js'
import { createSleeper } from '../lib/sleeper.js'
import type { OpenCodeConfig } from '../config/index.js'
import { resolveOpenCodeBinary } from './binary.js'
import { probeHealth } from './probe.js'
import { type ExitInfo, type OpenCodeProcess, spawnOpenCode } from './process.js'
import type { BridgeError, StateHolder } from './state.js'

/** Restart delays: 0.5 s, 1 s, 2 s … capped at 30 s. */
const RESTART_BACKOFF = { baseMs: 500, maxMs: 30_000 }
/** A child that stayed up this long was healthy: its death starts the backoff over. */
const STABLE_AFTER_MS = 10_000
/** After this many failed starts in a row the state says `unavailable` (retries go on at the cap). */
const FAILURES_BEFORE_UNAVAILABLE = 5
/** Per-try deadline of the start-up health probe (the first connection may hang, §1.4). */
const PROBE_TIMEOUT_MS = 2000
const PROBE_INTERVAL_MS = 150
/** SIGTERM, then SIGKILL after this: Studio as a whole must be gone within 5 s of its own SIGTERM. */
const STOP_GRACE_MS = 3000
/** How long a failed call waits for a dying child's exit to be noticed before answering. */
const EXIT_WAIT_MS = 300

export interface SpawnSupervisorDeps {
  config: OpenCodeConfig
  state: StateHolder
  log: Logger
  /** Basic-auth password the child is started with (the user name is config.username). */
  password: string
  authorization: string
}

export interface Supervisor {
  start(): void
  /** A call to OpenCode failed at the transport level: settle the state now (resolves once it is settled). */
  recheck(): Promise<void>
  stop(): Promise<void>
  /** Synchronous last resort for process exit: SIGKILL the child. */
  killNow(): void
}

type StartOutcome = { ok: true; proc: OpenCodeProcess; url: string; version: string | null } | { ok: false; error: BridgeError }

export function createSpawnSupervisor(deps: SpawnSupervisorDeps): Supervisor {
  const { config, state, log } = deps
  const sleeper = createSleeper()
  let stopped = false
  let current: OpenCodeProcess | null = null
  let lastPort = 0
  let loop: Promise<void> | null = null

  const childEnv = {
    ...config.env,
    OPENCODE_SERVER_USERNAME: deps.config.username,
    OPENCODE_SERVER_PASSWORD: deps.password,
  }

  async function run(): Promise<void> {
    let failures = 0
    while (!stopped) {
      const outcome = await startOnce()
      if (stopped) break
      if (!outcome.ok) {
        failures++
        lastPort = 0 // the port may be the problem: take a fresh one next time
        // a missing binary will not appear by itself within seconds: say so at once
        const hopeless = outcome.error.code === 'binary_not_found' || failures >= FAILURES_BEFORE_UNAVAILABLE
        const next = hopeless ? 'unavailable' : 'restarting'
        state.update({ state: next, pid: null, url: null, lastError: outcome.error })
        log.error({ error: outcome.error, failures }, 'opencode failed to start')
        await sleeper.sleep(backoffDelayMs(failures, RESTART_BACKOFF))
        continue
      }
      const readyAt = Date.now()
      const ms = readyAt - state.get().since
      state.update({ state: 'ready', url: outcome.url, pid: outcome.proc.pid, version: outcome.version })
      log.info({ url: outcome.url, pid: outcome.proc.pid, version: outcome.version, ms }, 'opencode ready')
      const exit = await outcome.proc.exited
      current = null
      if (stopped) break
      failures = Date.now() - readyAt >= STABLE_AFTER_MS ? 1 : failures + 1
      const error = exitError(exit, outcome.proc.outputTail())
      state.update({ state: 'restarting', pid: null, lastError: error, restarts: state.get().restarts + 1 })
      log.warn({ exitCode: exit.code, signal: exit.signal, failures }, 'opencode exited; restarting')
      await sleeper.sleep(backoffDelayMs(failures, RESTART_BACKOFF))
    }
  }

  async function startOnce(): Promise<StartOutcome> {
    const resolved = resolveOpenCodeBinary({ configured: config.bin, envPath: config.env.PATH })
    if (!resolved.ok) {
      return { ok: false, error: { code: 'binary_not_found', summary: 'OpenCode binary not found', detail: resolved.message, at: Date.now() } }
    }
    state.update({ binary: resolved.binary })
    if (!existsSync(config.cwd)) {
      return { ok: false, error: { code: 'start_failed', summary: `working directory does not exist: ${config.cwd}`, at: Date.now() } }
    }
    lastPort = await freePort(lastPort)
    const proc = spawnOpenCode({ bin: resolved.binary.path, port: lastPort, cwd: config.cwd, env: childEnv })
    current = proc
    state.update({ pid: proc.pid })
    const deadline = Date.now() + config.startTimeoutMs

    const url = await withDeadline(proc.listening, deadline)
    while (url !== null && !stopped && proc.isRunning() && Date.now() < deadline) {
      const probe = await probeHealth(url, deps.authorization, Math.min(PROBE_TIMEOUT_MS, Math.max(1, deadline - Date.now())))
      if (probe.ok) return { ok: true, proc, url, version: probe.version }
      if (probe.status === 401) {
        await terminate(proc)
        return { ok: false, error: { code: 'unauthorized', summary: 'OpenCode rejected the credentials Studio started it with', at: Date.now() } }
      }
      await sleeper.sleep(PROBE_INTERVAL_MS)
    }
    const running = proc.isRunning()
    await terminate(proc)
    const exit = await proc.exited
    if (!running) return { ok: false, error: exitError(exit, proc.outputTail(), 'start_failed') }
    return {
      ok: false,
      error: {
        code: 'start_timeout',
        summary: `OpenCode did not become healthy within ${config.startTimeoutMs} ms`,
        stderrExcerpt: proc.outputTail() || undefined,
        at: Date.now(),
      },
    }
  }

  async function terminate(proc: OpenCodeProcess): Promise<void> {
    if (!proc.isRunning()) return
    proc.kill('SIGTERM')
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS)
    await proc.exited
    clearTimeout(timer)
  }

  return {
    start() {
      loop ??= run().catch((err: unknown) => log.fatal({ err }, 'opencode supervisor crashed'))
    },
    async recheck() {
      // A refused connection to a child we spawned means it is dying: its exit event settles the state.
      const proc = current
      if (proc && !stopped) await withDeadline(proc.exited, Date.now() + EXIT_WAIT_MS)
    },
    async stop() {
      stopped = true
      sleeper.cancel()
      const proc = current
      if (proc) await terminate(proc)
      await loop
    },
    killNow() {
      current?.kill('SIGKILL')
    },
  }
}

/** The promise's value, or null if it rejects or the deadline passes first. */
function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))))
  return Promise.race([promise.catch(() => null), timeout]).finally(() => clearTimeout(timer))
}

function exitError(exit: ExitInfo, tail: string, code = 'exited'): BridgeError {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`
  return {
    code,
    summary: `OpenCode ${how}`,
    exitCode: exit.code,
    signal: exit.signal,
    stderrExcerpt: tail || undefined,
    at: Date.now(),
  }
}
