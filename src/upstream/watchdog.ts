// A parent-death watchdog for a spawned OpenCode. Node cannot ask Linux to signal a child when its parent
// dies (no prctl PR_SET_PDEATHSIG), so a tiny `sh` holds the read end of a pipe whose only write end is
// in Studio: when Studio ends in any way, even `kill -9`, the kernel closes that end, `cat` sees EOF, and
// the shell stops OpenCode's process group (TERM, then KILL). While OpenCode runs, Studio keeps the pipe
// open; once OpenCode has ended, Studio kills the watchdog first, so a reused group id is never signalled.

import { spawn } from 'node:child_process'

/** Time OpenCode gets between the watchdog's TERM and its KILL. */
const GRACE_SECONDS = 2
const SCRIPT = `cat >/dev/null 2>&1; kill -s TERM -- -"$1" 2>/dev/null || exit 0; sleep ${GRACE_SECONDS}; kill -s KILL -- -"$1" 2>/dev/null; exit 0`

export interface Watchdog {
  pid: number | null
  /** OpenCode has ended: retire the watchdog without letting it signal anything. */
  stop(): void
}

export function startWatchdog(groupId: number): Watchdog {
  const child = spawn('/bin/sh', ['-c', SCRIPT, 'opencode-studio-watchdog', String(groupId)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // its own group: a Ctrl-C in Studio's terminal must not take the watchdog down before Studio is done
    detached: true,
  })
  child.on('error', () => {}) // no shell: the watchdog is a backstop, Studio still stops OpenCode itself
  child.stdin?.on('error', () => {})
  // Neither the process nor the pipe may keep Studio's event loop alive.
  child.unref()
  ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
  return {
    pid: child.pid ?? null,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    },
  }
}
