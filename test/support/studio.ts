// Starts Studio for a test: in-process (createApp + port 0, fast, inspectable) or as a child process
// running src/main.ts exactly as `npm start` does (signals, exit codes, spawn mode with its own env).

import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { createApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { createLogger } from '../../src/lib/log.js'
import { trackChild } from '../harness/children.js'
import { stopChild } from '../harness/opencode.js'
import { waitFor, type WaitOptions } from '../harness/wait.js'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface InProcessStudio {
  app: App
  url: string
  close(): Promise<void>
}

export interface InProcessOptions {
  /** Extra command-line flags (after `--port 0`). */
  args?: string[]
  /** The environment Studio's config is read from (and a spawned OpenCode inherits). */
  env: Record<string, string>
  cwd?: string
}

/** Studio in this process, listening on a free port. Logs are silent unless STUDIO_TEST_LOG_LEVEL is set. */
export async function startStudioInProcess(options: InProcessOptions): Promise<InProcessStudio> {
  const loaded = loadConfig({ argv: ['--port', '0', ...(options.args ?? [])], env: options.env, cwd: options.cwd ?? REPO_ROOT })
  if (loaded.kind !== 'config') throw new Error('unexpected help/version result')
  const level = (process.env.STUDIO_TEST_LOG_LEVEL ?? 'silent') as 'silent'
  const app = await createApp(loaded.config, { log: createLogger(level, process.stderr) })
  const url = await app.start()
  return { app, url, close: () => app.close() }
}

/** Arguments that attach Studio to a harness OpenCode. */
export function attachArgs(opencode: { port: number; authorization?: string | undefined }, password?: string): string[] {
  return ['--opencode-port', String(opencode.port), ...(password ? [`--opencode-password=${password}`] : [])] // a password may start with '-'
}

export interface ChildStudio {
  url: string
  pid: number
  process: ChildProcess
  output(): string
  /** Resolves with the exit code and signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stop(): Promise<void>
}

/** `node --import tsx src/main.ts --port 0 …` with exactly the given environment. */
export async function startStudioChild(options: {
  env: Record<string, string>
  args?: string[]
  cwd?: string
  /** A command that execs the rest, e.g. `prlimit --fsize=N --` (its pid is then Studio's). */
  prefix?: string[]
  /** The checkout whose src/main.ts (and web/dist) runs: this one by default (bench/ui-ab.ts runs others). */
  root?: string
}): Promise<ChildStudio> {
  const root = options.root ?? REPO_ROOT
  const command = [...(options.prefix ?? []), process.execPath, '--import', 'tsx', join(root, 'src', 'main.ts'), '--port', '0', ...(options.args ?? [])]
  const child = spawn(command[0]!, command.slice(1), {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  trackChild(child)
  let output = ''
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const exitedVoid = exited.then(() => undefined)
  try {
    // whichever comes first: the line saying it listens, or its end (then with everything it printed)
    const closed = new Promise<never>((_resolve, reject) =>
      child.once('close', (code, signal) => reject(new Error(`studio exited with ${code ?? signal}: ${output}`))),
    )
    const url = await Promise.race([
      waitFor(() => /opencode-studio listening on (http:\/\/\S+)/.exec(output)?.[1], { timeoutMs: 60_000, what: 'studio to listen' }), // tsx compiles on start: slow on a loaded machine
      closed,
    ])
    return { url, pid: child.pid!, process: child, output: () => output, exited, stop: () => stopChild(child, exitedVoid) }
  } catch (err) {
    await stopChild(child, exitedVoid)
    throw err
  }
}

/** Studio's /health answer (loosely typed: each test reads the fields it checks). */
export async function studioHealth(url: string): Promise<any> {
  const res = await request(`${url}/health`)
  return res.body.json()
}

/** Waits until /health says OpenCode is ready behind Studio, and resolves with that answer. */
export function waitStudioReady(url: string, options: WaitOptions = {}): Promise<any> {
  return waitFor(
    async () => {
      const health = await studioHealth(url)
      return health.opencode.state === 'ready' && health
    },
    { timeoutMs: 30_000, what: 'OpenCode ready behind Studio', ...options },
  )
}
