// Starts one of the benchmark's comparison servers (the bare reference proxy, the naive forwarder): a
// tsx script given OpenCode's URL that prints "listening on <url>". Tracked, so a failed run leaves no
// process behind.

import { spawn } from 'node:child_process'
import { trackChild } from '../test/harness/children.js'
import { stopChild } from '../test/harness/opencode.js'
import { waitFor } from '../test/harness/wait.js'

export interface HelperServer {
  url: string
  pid: number
  stop(): Promise<void>
}

export async function startHelperServer(script: string, opencodeUrl: string, what: string): Promise<HelperServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, opencodeUrl], { stdio: ['ignore', 'pipe', 'inherit'] })
  trackChild(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = () => stopChild(child, exited)
  let announced = ''
  child.stdout.on('data', (b: Buffer) => (announced += b.toString()))
  try {
    const url = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`)
        return /listening on (\S+)/.exec(announced)?.[1]
      },
      { what },
    )
    return { url, pid: child.pid!, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
