// One huge prompt must not block Studio (issue 13, item 9): the benchmark's measurement
// (bench/scenarios/prompt-stall.ts: a 90 MB JSON prompt, Studio's own event-loop monitor, a /health probe
// from another thread) run as a fault case, against a Studio that spawns its OpenCode, so its figure and
// verdict sit with the other fault figures in docs/RELIABILITY.md.

import type { BenchContext } from '../context.js'
import { promptStall } from '../scenarios/prompt-stall.js'
import { startStudioChild, waitStudioReady } from '../../test/support/studio.js'
import type { FaultContext } from './opencode-kill.js'

const START_MS = 180_000

export async function promptStallFault(ctx: FaultContext): Promise<string> {
  const studio = await startStudioChild({
    env: ctx.scratch.env,
    args: ['--opencode-cwd', ctx.scratch.workspace, '--opencode-start-timeout-ms', String(START_MS), '--log-level', 'warn'],
  })
  try {
    await waitStudioReady(studio.url, { timeoutMs: START_MS })
    // the scenario reads only these fields of a benchmark context
    const bench = { opencode: { scratch: ctx.scratch }, studio, machine: ctx.machine } as unknown as BenchContext
    const body = await promptStall.run(bench, { iterations: 1 })
    return body
      .replace(/^## Prompt stall \(`npm run bench -- prompt-stall`\)/, '## prompt-stall: one 90 MB prompt, and how long Studio could not answer anyone')
      .replace(/^(\d{4}-\d\d-\d\d \d\d:\d\d UTC · .*)$/m, `$1 · Studio spawns OpenCode · command: \`${ctx.command}\``)
  } finally {
    await studio.stop()
  }
}
