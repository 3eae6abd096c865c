// OpenCode's own CLI under a pseudo-terminal: `script` for one-shot commands (`opencode run`), `tmux` for
// the interactive TUI (`opencode attach`). Each gets exactly the environment it is given (a scratch home),
// and its output is reduced to the text a person would read.

import { spawn, execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { trackChild } from '../harness/children.js'

const run = promisify(execFile)

/** Quotes one argument for `sh -c`. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

/** Terminal output as text: escape sequences (colours, cursor moves, OSC titles) and carriage returns removed. */
export function plainText(raw: string): string {
  return raw
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '') // OSC … BEL/ST
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '') // CSI
    .replace(/\x1b[@-Z\\-_]/g, '') // other two-byte escapes
    .replace(/\r/g, '')
}

export interface PtyResult {
  code: number | null
  output: string
}

/** Runs argv under `script -qec` (a pseudo-terminal for stdin and stdout), in cwd, with exactly env. */
export function runInPty(argv: string[], options: { env: Record<string, string>; cwd: string; timeoutMs: number }): Promise<PtyResult> {
  const child = spawn('script', ['-qec', argv.map(shellQuote).join(' '), '/dev/null'], {
    cwd: options.cwd,
    env: { TERM: 'xterm-256color', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  trackChild(child)
  let output = ''
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${argv.join(' ')} did not finish within ${options.timeoutMs} ms; output so far:\n${plainText(output)}`))
    }, options.timeoutMs)
    // 'close', not 'exit': Node may report the exit before the pipe is drained, and output read then can
    // be short (a CI run once read the attached CLI as printing nothing; this is one way that happens)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

export interface Tmux {
  /** Types text into the pane (then Enter when `enter`). */
  type(text: string, enter?: boolean): Promise<void>
  /** The pane's visible text. */
  screen(): Promise<string>
  stop(): Promise<void>
}

/** A private tmux server (its own socket) running one command in a detached 120×40 window. */
export async function startTmux(argv: string[], options: { env: Record<string, string>; cwd: string; name: string }): Promise<Tmux> {
  const socket = `${options.name}-${process.pid}`
  const env = { TERM: 'xterm-256color', ...options.env }
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], { env, cwd: options.cwd })
  await tmux('new-session', '-d', '-s', 'main', '-x', '120', '-y', '40', argv.map(shellQuote).join(' '))
  const { stdout } = await tmux('display-message', '-p', '-t', 'main', '#{pid}')
  const serverPid = Number(stdout.trim())
  return {
    async type(text, enter = true) {
      await tmux('send-keys', '-t', 'main', '-l', text)
      if (enter) await tmux('send-keys', '-t', 'main', 'Enter')
    },
    async screen() {
      return (await tmux('capture-pane', '-p', '-t', 'main')).stdout
    },
    async stop() {
      // the tmux server this test started, by its pid (it ends the command in the pane too)
      if (serverPid > 0) {
        try {
          process.kill(serverPid, 'SIGTERM')
        } catch {
          // already gone
        }
      }
    },
  }
}
