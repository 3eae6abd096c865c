// One spawned `opencode serve` process: its PID, the URL it announced, how it ended, and the tail of what
// it printed (kept for error reports, bounded so a chatty child cannot grow Studio's memory).

import { spawn } from 'node:child_process'
import { startWatchdog } from './watchdog.js'

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface OpenCodeProcess {
  pid: number | null
  /** Resolves with the URL from "opencode server listening on http://…"; rejects if the child ends first. */
  listening: Promise<string>
  exited: Promise<ExitInfo>
  isRunning(): boolean
  /** The last lines of stdout and stderr. */
  outputTail(): string
  kill(signal: NodeJS.Signals): void
}

export interface SpawnOptions {
  bin: string
  port: number
  cwd: string
  env: Record<string, string>
}

const OUTPUT_TAIL_BYTES = 8 * 1024
const EXIT_DRAIN_MS = 200
const LISTENING_RE = /listening on (https?:\/\/\S+)/
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-9;?]*[A-Za-z]/g

export function spawnOpenCode(options: SpawnOptions): OpenCodeProcess {
  // Its own process group: signals go to the whole group, so an `opencode` that is a wrapper script
  // (older npm installs) cannot leave the real server behind, and a Ctrl-C in Studio's terminal reaches
  // Studio alone, which then stops OpenCode in order.
  const child = spawn(options.bin, ['serve', '--hostname', '127.0.0.1', '--port', String(options.port)], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  // If Studio dies without stopping it (kill -9), the watchdog stops the group.
  const watchdog = child.pid === undefined ? null : startWatchdog(child.pid)
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return
    try {
      process.kill(-child.pid, signal)
    } catch {
      // the group is gone already
    }
  }
  let tail = ''
  let running = true
  let announced: string | null = null
  let onListening: (url: string) => void = () => {}
  let onEarlyExit: (err: Error) => void = () => {}
  const listening = new Promise<string>((resolve, reject) => {
    onListening = resolve
    onEarlyExit = reject
  })
  listening.catch(() => {}) // observed through `exited` when nobody awaits it

  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8').replace(ANSI_RE, '')).slice(-OUTPUT_TAIL_BYTES)
    if (announced === null) {
      const m = LISTENING_RE.exec(tail)
      if (m?.[1]) onListening((announced = m[1]))
    }
  }
  child.stdout.on('data', append)
  child.stderr.on('data', append)

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (err) => {
      // spawn failures (ENOENT, EACCES) arrive here and no 'exit' follows
      running = false
      tail += `\n${err.message}`
      onEarlyExit(err)
      resolve({ code: null, signal: null })
    })
    child.once('exit', (code, signal) => {
      running = false
      signalGroup('SIGKILL') // nothing the leader started may outlive it
      watchdog?.stop()
      onEarlyExit(new Error(`opencode exited before listening (${signal ?? `code ${code}`})`))
      // let the last output drain into the tail, unless a grandchild keeps the pipes open
      const done = () => resolve({ code, signal })
      const timer = setTimeout(done, EXIT_DRAIN_MS)
      child.once('close', () => {
        clearTimeout(timer)
        done()
      })
    })
  })

  return {
    pid: child.pid ?? null,
    listening,
    exited,
    isRunning: () => running,
    outputTail: () => tail.trim(),
    kill: (signal) => {
      if (running) signalGroup(signal)
    },
  }
}
