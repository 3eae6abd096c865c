// Asks OpenCode, each time it becomes ready, for what the web UI's composer asks first (providers,
// agents, commands) of the directory with the newest activity: the one a person most likely opens first.
// OpenCode builds a directory's provider list the first time it is asked for it, ~1.4 s of its CPU per
// directory (1.18.33, on this project's 2-core machine; later asks take ~10 ms). The composer asks right
// after a chat's first paint, so on a small machine that burst shared the cores with the page's first
// second. Asked here, it is paid before anyone looks. The answers are dropped: OpenCode keeps its own.

import { stat } from 'node:fs/promises'
import type { Logger } from '../lib/log.js'
import type { Bridge } from './bridge.js'
import type { UpstreamClient } from './client.js'

/** The composer's first requests (web/src/features/composer/pickers.ts), in the order OpenCode is asked. */
export const WARM_UP_PATHS = ['/config/providers', '/agent', '/command'] as const
/** A young OpenCode on a loaded machine can take seconds for the provider list. */
const TIMEOUT_MS = 60_000
/** Tries of a warm-up that fails (the same OpenCode still ready), a second apart. */
const ATTEMPTS = 3
const RETRY_MS = 1000

export interface WarmUpReport {
  directory: string
  /** OpenCode's pid when asked (null for one Studio attaches to). */
  pid: number | null
  startedAt: number
  /** How long OpenCode took for all of them; null while running. */
  ms: number | null
  ok: boolean | null
  error?: string
}

export interface WarmUp {
  /** The last warm-up: null before OpenCode was first ready. */
  report(): WarmUpReport | null
  close(): void
}

export interface WarmUpDeps {
  bridge: Bridge
  upstream: UpstreamClient
  /** The directory to warm; null: OpenCode's own (its answer to /path). */
  directory: () => Promise<string | null>
  log: Logger
  /** Between tries of a failed warm-up (default RETRY_MS). */
  retryMs?: number
}

/** Directories looked at for one to warm, newest activity first. */
const CANDIDATES = 20

/**
 * The first of `candidates` (newest activity first) that is still a directory on this machine and that
 * `allowed` (Studio's directory policy) lets clients name: OpenCode is never made to set up a project
 * nobody could open through Studio, or one that is gone.
 */
export async function firstWarmable(candidates: readonly string[], allowed: (directory: string) => Promise<boolean>): Promise<string | null> {
  for (const directory of candidates.slice(0, CANDIDATES)) {
    const isDir = await stat(directory).then((s) => s.isDirectory(), () => false)
    if (isDir && (await allowed(directory))) return directory
  }
  return null
}

export function createWarmUp(deps: WarmUpDeps): WarmUp {
  let last: WarmUpReport | null = null
  let ready = false
  let closed = false
  const controller = new AbortController()

  async function run(): Promise<void> {
    const directory = (await deps.directory()) ?? (await deps.bridge.directory())
    if (!directory || closed) return
    const report: WarmUpReport = { directory, pid: deps.bridge.snapshot().pid, startedAt: Date.now(), ms: null, ok: null }
    last = report
    const started = performance.now()
    for (let attempt = 1; ; attempt++) {
      try {
        for (const path of WARM_UP_PATHS) await ask(path, directory)
        report.ok = true
        delete report.error
        break
      } catch (err) {
        report.error = err instanceof Error ? err.message : String(err)
        // a young OpenCode can drop or stall a first connection (opencode-reference.md §9): ask again
        if (attempt >= ATTEMPTS || closed || deps.bridge.snapshot().state !== 'ready') {
          report.ok = false
          break
        }
        await new Promise((resolve) => setTimeout(resolve, deps.retryMs ?? RETRY_MS))
      }
    }
    report.ms = Math.round(performance.now() - started)
    if (!closed) deps.log[report.ok ? 'debug' : 'warn']({ directory, ms: report.ms, error: report.error }, 'warmed OpenCode for the newest directory')
  }

  async function ask(path: string, directory: string): Promise<void> {
    const res = await deps.upstream.request({
      method: 'GET',
      path: `${path}?directory=${encodeURIComponent(directory)}`,
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(TIMEOUT_MS)]),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    })
    await res.body.dump()
    if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`)
  }

  const off = deps.bridge.onChange((snapshot) => {
    const now = snapshot.state === 'ready'
    // each time OpenCode becomes ready: a restarted OpenCode has forgotten what it had built
    if (now && !ready && !closed) void run()
    ready = now
  })

  return {
    report: () => (last ? { ...last } : null),
    close() {
      closed = true
      off()
      controller.abort()
    },
  }
}
