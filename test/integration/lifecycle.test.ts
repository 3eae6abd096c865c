// Studio never leaves an OpenCode behind: a signal to `npm start` reaches Studio, SIGTERM to Studio stops
// both within 5 s, and after `kill -9` of Studio its parent-death watchdog stops the orphaned OpenCode.
// Every check reads /proc, not just exit codes.

import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { createScratch, type Scratch } from '../harness/scratch.js'
import { trackChild } from '../harness/children.js'
import { hasExited } from '../harness/proc.js'
import { waitFor } from '../harness/wait.js'
import { REPO_ROOT, startStudioChild, waitStudioReady } from '../support/studio.js'

/** The bound: a stopped Studio takes its OpenCode down within 5 s (a stall would be the 10 s+ kind). */
const STOP_BOUND_MS = 5000
/** Starting is not what these tests are about: on a loaded machine OpenCode may take well over 30 s. */
const START_MS = 120_000
const START_ARGS = ['--opencode-start-timeout-ms', String(START_MS)]
const ready = (url: string) => waitStudioReady(url, { timeoutMs: START_MS })

let mock: MockLlm
let scratch: Scratch

beforeAll(async () => {
  mock = await startMockLlm()
  scratch = createScratch({ llmBaseUrl: mock.baseUrl })
})

afterAll(async () => {
  await mock?.close()
  scratch?.remove()
})

/** PIDs of live watchdog shells guarding the given OpenCode process group. */
function watchdogsFor(pid: number): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (argv.includes('opencode-studio-watchdog') && argv.includes(String(pid)) && !hasExited(Number(entry))) found.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return found
}

const gone = (pid: number, what: string) => waitFor(() => hasExited(pid), { timeoutMs: STOP_BOUND_MS, intervalMs: 20, what })

async function npmStart() {
  const child = spawn('npm', ['start', '--', '--port', '0', '--opencode-cwd', scratch.workspace, ...START_ARGS], {
    cwd: REPO_ROOT,
    env: scratch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  trackChild(child)
  let output = ''
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await waitFor(() => /opencode-studio listening on (http:\/\/\S+)/.exec(output)?.[1], { timeoutMs: START_MS, what: 'npm start to listen' })
  const health = await ready(url)
  return { npm: child, exited, studioPid: health.studio.pid as number, opencodePid: health.opencode.pid as number }
}

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the npm process stops Studio and its OpenCode`, async () => {
      const run = await npmStart()
      try {
        expect(run.studioPid).not.toBe(run.npm.pid) // the signal must travel: npm → (exec'd) node
        expect(hasExited(run.studioPid)).toBe(false)
        expect(hasExited(run.opencodePid)).toBe(false)
        run.npm.kill(signal)
        await gone(run.studioPid, 'studio gone')
        await gone(run.opencodePid, 'opencode gone')
        await run.exited
        expect(watchdogsFor(run.opencodePid)).toEqual([])
      } finally {
        if (!hasExited(run.studioPid)) process.kill(run.studioPid, 'SIGKILL')
        if (!hasExited(run.opencodePid)) process.kill(run.opencodePid, 'SIGKILL')
        run.npm.kill('SIGKILL')
      }
    }, 3 * START_MS)
  }
})

describe('Studio itself', { timeout: 3 * START_MS }, () => {
  it('SIGTERM stops Studio and OpenCode within 5 s and retires the watchdog', async () => {
    const studio = await startStudioChild({ env: scratch.env, args: ['--opencode-cwd', scratch.workspace, ...START_ARGS] })
    try {
      const pid = (await ready(studio.url)).opencode.pid as number
      expect(watchdogsFor(pid)).toHaveLength(1)
      studio.process.kill('SIGTERM')
      await gone(studio.pid, 'studio gone')
      await gone(pid, 'opencode gone')
      expect((await studio.exited).code).toBe(0)
      await waitFor(() => watchdogsFor(pid).length === 0, { timeoutMs: 2000, what: 'watchdog retired' })
    } finally {
      await studio.stop()
    }
  })

  it('kill -9 of Studio: the watchdog stops the orphaned OpenCode', async () => {
    const studio = await startStudioChild({ env: scratch.env, args: ['--opencode-cwd', scratch.workspace, ...START_ARGS] })
    let opencodePid = 0
    try {
      opencodePid = (await ready(studio.url)).opencode.pid as number
      const [watchdog] = watchdogsFor(opencodePid)
      expect(watchdog).toBeGreaterThan(0)
      studio.process.kill('SIGKILL')
      expect((await studio.exited).signal).toBe('SIGKILL')
      // (nothing else stops it: it runs in its own process group, which a SIGKILL of Studio does not reach)
      await gone(opencodePid, 'orphaned opencode stopped by the watchdog')
      await gone(watchdog!, 'watchdog done')
    } finally {
      if (opencodePid && !hasExited(opencodePid)) process.kill(opencodePid, 'SIGKILL')
      await studio.stop()
    }
  })

  it('a restarted OpenCode gets a fresh watchdog and the old one is retired', async () => {
    const studio = await startStudioChild({ env: scratch.env, args: ['--opencode-cwd', scratch.workspace, ...START_ARGS] })
    try {
      const first = (await ready(studio.url)).opencode.pid as number
      const [oldWatchdog] = watchdogsFor(first)
      process.kill(first, 'SIGKILL')
      await gone(oldWatchdog!, 'old watchdog retired')
      const second: number = await waitFor(async () => {
        const h = await ready(studio.url)
        return h.opencode.pid !== first ? (h.opencode.pid as number) : null
      }, { timeoutMs: START_MS, what: 'restarted opencode' })
      expect(watchdogsFor(second)).toHaveLength(1)
    } finally {
      await studio.stop()
    }
  })
})
