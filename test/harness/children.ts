// Last-resort cleanup: every process the harness starts is killed by PID when the test process exits,
// even if a test failed before its own teardown ran.

import type { ChildProcess } from 'node:child_process'

const live = new Set<ChildProcess>()
let hooked = false

export function trackChild(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (hooked) return
  hooked = true
  process.once('exit', () => {
    for (const c of live) if (c.pid !== undefined && c.exitCode === null) c.kill('SIGKILL')
  })
}

export function untrackChild(child: ChildProcess): void {
  live.delete(child)
}
