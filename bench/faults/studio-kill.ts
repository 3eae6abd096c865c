// kill -9 of Studio itself, repeatedly: its OpenCode must not outlive it (the parent-death watchdog stops
// it). Figures: OpenCodes left running (goal 0) and how long each took to go.

import { table } from '../results-file.js'
import { hasExited } from '../../test/harness/proc.js'
import { waitFor } from '../../test/harness/wait.js'
import { startStudioChild, waitStudioReady } from '../../test/support/studio.js'
import type { FaultContext } from './opencode-kill.js'

const START_MS = 180_000
/** Longer than the watchdog's TERM-then-KILL (2 s) by far: what is still there after this is an orphan. */
const ORPHAN_AFTER_MS = 15_000

export async function studioKill(ctx: FaultContext): Promise<string> {
  const kills = Number(process.env.FAULTS_STUDIO_KILLS ?? 10)
  const goneMs: number[] = []
  let orphans = 0
  for (let i = 0; i < kills; i++) {
    const studio = await startStudioChild({ env: ctx.scratch.env, args: ['--opencode-cwd', ctx.scratch.workspace, '--opencode-start-timeout-ms', String(START_MS)] })
    try {
      const pid = (await waitStudioReady(studio.url, { timeoutMs: START_MS })).opencode.pid as number
      const t0 = performance.now()
      studio.process.kill('SIGKILL')
      await studio.exited
      try {
        await waitFor(() => hasExited(pid), { timeoutMs: ORPHAN_AFTER_MS, intervalMs: 10, what: 'opencode gone' })
        goneMs.push(performance.now() - t0)
      } catch {
        orphans++
        process.kill(pid, 'SIGKILL') // the run's own cleanup
      }
      process.stderr.write(`  studio kill ${i + 1}/${kills}: opencode ${goneMs.length + orphans === i + 1 && orphans === 0 ? `gone after ${Math.round(goneMs.at(-1)!)} ms` : 'ORPHANED'}\n`)
    } finally {
      await studio.stop()
    }
  }
  const sorted = [...goneMs].sort((a, b) => a - b)
  return [
    `## studio-kill: kill -9 of Studio ${kills} times; does its OpenCode outlive it?`,
    '',
    `${ctx.when} · ${ctx.machine} · each time: start Studio (spawn mode), wait until OpenCode is ready, kill -9 Studio, watch OpenCode's`,
    `pid in /proc for ${ORPHAN_AFTER_MS / 1000} s · command: \`${ctx.command}\`${process.env.FAULTS_STUDIO_KILLS ? ` with FAULTS_STUDIO_KILLS=${kills}` : ''}`,
    '',
    table(
      ['figure', 'value', 'goal', 'verdict'],
      [
        ['Studio kills', kills, '', ''],
        ['OpenCodes left running', orphans, '0', orphans === 0 ? 'met' : '**not met**'],
        ['OpenCode gone after: min / median / max', sorted.length ? `${sorted[0]!.toFixed(0)} / ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} / ${sorted.at(-1)!.toFixed(0)}` : 'n/a', '', ''],
      ],
    ),
    '',
    "The watchdog (`src/upstream/watchdog.ts`) sees its pipe from Studio close, sends TERM to OpenCode's process group, and KILL 2 s later.",
  ].join('\n')
}
