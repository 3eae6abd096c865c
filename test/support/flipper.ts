// A separate process that keeps swapping a workspace path between something harmless and a symlink
// leading out, as fast as it can: the attacker of a time-of-check-to-time-of-use race. Separate, so its
// swaps interleave with Studio's file-system calls for real rather than between event-loop turns.

import { spawn, type ChildProcess } from 'node:child_process'
import { trackChild, untrackChild } from '../harness/children.js'

/**
 * `file`: `path` alternates between a regular file (content `inside <n>`, padded to the outside file's size)
 * and a symlink to `outside`.
 * `dir`: `path` alternates between the real folder it is and a symlink to the folder `outside`.
 */
export type FlipMode = 'file' | 'dir'

const SCRIPT = `
const fs = require('node:fs')
const [mode, path, outside] = process.argv.slice(1)
const aside = path + '.aside', link = path + '.link', fresh = path + '.fresh'
let stop = false
process.on('SIGTERM', () => { stop = true })
const quiet = (f) => { try { f() } catch {} }
let n = 0
// same size as the outside file, so a read that lands on the wrong one is not caught by a size check
const size = mode === 'file' ? fs.statSync(outside).size : 0
function flip() {
  for (let i = 0; i < 200 && !stop; i++) {
    n++
    if (mode === 'file') {
      quiet(() => fs.writeFileSync(fresh, ('inside ' + n).padEnd(size, '.')))
      quiet(() => fs.renameSync(fresh, path))
      quiet(() => fs.symlinkSync(outside, link))
      quiet(() => fs.renameSync(link, path))
    } else {
      quiet(() => fs.renameSync(path, aside))
      quiet(() => fs.symlinkSync(outside, path))
      quiet(() => fs.unlinkSync(path))
      quiet(() => fs.renameSync(aside, path))
    }
  }
  if (!stop) setImmediate(flip)
  else {
    // leave the harmless state behind
    if (mode === 'file') { quiet(() => fs.writeFileSync(fresh, 'inside')); quiet(() => fs.renameSync(fresh, path)) }
    else { quiet(() => { if (fs.lstatSync(path).isSymbolicLink()) fs.unlinkSync(path) }); quiet(() => fs.renameSync(aside, path)) }
    process.exit(0)
  }
}
flip()
`

export interface Flipper {
  stop(): Promise<void>
}

export function startFlipper(mode: FlipMode, path: string, outside: string): Flipper {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT, mode, path, outside], { stdio: 'ignore' })
  trackChild(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    async stop() {
      child.kill('SIGTERM')
      await exited
      untrackChild(child)
    },
  }
}
