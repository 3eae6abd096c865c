// Starts the real `opencode serve` (the pinned opencode-ai package) on a free loopback port inside a
// scratch home, waits until it answers, and stops it by PID. Used by integration tests and benchmarks.

import { type ChildProcess, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { request } from 'undici'
import { createScratch, type Scratch } from './scratch.js'
import { trackChild, untrackChild } from './children.js'
import { waitFor } from './wait.js'

export interface OpenCode {
  url: string
  port: number
  pid: number
  scratch: Scratch
  /** What /global/health reported. */
  version: string | null
  /** Basic-auth header value when a password is set, for talking to OpenCode directly. */
  authorization: string | undefined
  output(): string
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>
}

export interface StartOpenCodeOptions {
  llmBaseUrl: string
  password?: string
  /** Reuse a scratch home (e.g. to restart OpenCode on the same data). */
  scratch?: Scratch
  bin?: string
  /** Where `opencode serve` runs; it is the default directory of requests that name none. */
  cwd?: string
  /** A fixed port (default: a free one chosen by OpenCode). */
  port?: number
  /** How long start-up may take (default 30 s; loading the 180 MB binary alone can take that on a busy machine). */
  startTimeoutMs?: number
}

const require = createRequire(import.meta.url)
const LISTENING_RE = /listening on (http:\/\/[^\s]+)/
/** The first connection accepted right after start is never answered (opencode-reference.md §1.4). */
const PROBE_TIMEOUT_MS = 2000
const START_TIMEOUT_MS = 60_000

/** The pinned binary shipped in the opencode-ai package (a native executable, not a wrapper script). */
export function pinnedOpenCodeBin(): string {
  return join(dirname(require.resolve('opencode-ai/package.json')), 'bin', 'opencode.exe')
}

/**
 * opencode-ai 1.1.65 (devDependency alias opencode-legacy), the last version with the legacy JSON storage.
 * Its bin/ holds a Node wrapper script, so take the native binary from its platform package.
 */
export function legacyOpenCodeBin(): string {
  const root = dirname(require.resolve('opencode-legacy/package.json'))
  const platform = dirname(require.resolve(`opencode-${process.platform}-${process.arch}/package.json`, { paths: [root] }))
  return join(platform, 'bin', 'opencode')
}

/** Tries on a fixed port that is not free yet (a previous OpenCode's helper processes may hold it a moment). */
const BUSY_PORT_ATTEMPTS = 5

export async function startOpenCode(options: StartOpenCodeOptions): Promise<OpenCode> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options)
    } catch (err) {
      const busy = /ServeError|EADDRINUSE|address already in use/i.test((err as Error).message)
      if (options.port === undefined || !busy || attempt >= BUSY_PORT_ATTEMPTS) throw err
      await new Promise((r) => setTimeout(r, 1000 * attempt))
    }
  }
}

async function startOnce(options: StartOpenCodeOptions): Promise<OpenCode> {
  const scratch =
    options.scratch ?? createScratch({ llmBaseUrl: options.llmBaseUrl, ...(options.password ? { password: options.password } : {}) })
  const bin = options.bin ?? pinnedOpenCodeBin()
  const child = spawn(bin, ['serve', '--hostname', '127.0.0.1', '--port', String(options.port ?? 0)], {
    cwd: options.cwd ?? scratch.workspace,
    env: scratch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  trackChild(child)
  let output = ''
  child.once('error', (err) => (output += `\nspawn failed: ${err.message}`))
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const timeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS
  try {
    // an OpenCode that exits while starting fails the start at once, with what it printed
    // ('close': after its output is all read)
    const died = new Promise<never>((_resolve, reject) => child.once('close', () => reject(new Error(`opencode did not start: ${output}`))))
    died.catch(() => {})
    const url = await Promise.race([
      waitFor(
        () => {
          if (output.includes('spawn failed')) throw new Error(`opencode did not start: ${output}`)
          return LISTENING_RE.exec(output)?.[1]
        },
        { timeoutMs, what: 'opencode to listen' },
      ),
      died,
    ])
    const authorization = options.password
      ? `Basic ${Buffer.from(`opencode:${options.password}`).toString('base64')}`
      : undefined
    const version = await waitFor(() => healthyVersion(url, authorization), { timeoutMs, what: 'opencode health' })
    return {
      url,
      version,
      port: Number(new URL(url).port),
      pid: child.pid!,
      scratch,
      authorization,
      output: () => output,
      stop: () => stopChild(child, exited),
    }
  } catch (err) {
    await stopChild(child, exited)
    throw err
  }
}

/** The version OpenCode reports once healthy, else null (the probe is retried). */
async function healthyVersion(url: string, authorization: string | undefined): Promise<string | null> {
  const res = await request(`${url}/global/health`, {
    headers: authorization ? { authorization } : {},
    headersTimeout: PROBE_TIMEOUT_MS,
    bodyTimeout: PROBE_TIMEOUT_MS,
    reset: true,
  })
  const body = (await res.body.json()) as { healthy?: boolean; version?: string }
  return res.statusCode === 200 && body.healthy === true ? (body.version ?? 'unknown') : null
}

export async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs = 5000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
  untrackChild(child)
}
