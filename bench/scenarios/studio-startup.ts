// How long `npm start`'s command takes to bring Studio up (the issue's budget: under 2 s, not counting
// OpenCode). Studio attaches to the running OpenCode, so OpenCode's own start is not in the number.

import { performance } from 'node:perf_hooks'
import { startStudioChild, waitStudioReady } from '../../test/support/studio.js'
import type { Scenario } from '../context.js'
import { ms, table } from '../results-file.js'
import { summarize } from '../stats.js'

const GOAL_MS = 2000

export const studioStartup: Scenario = {
  name: 'studio-startup',
  async run(ctx, { iterations }) {
    const runs = Math.max(3, Math.min(20, Math.round(iterations / 200)))
    const listening: number[] = []
    const ready: number[] = []
    for (let i = 0; i < runs; i++) {
      const start = performance.now()
      const studio = await startStudioChild({ env: ctx.opencode.scratch.env, args: ['--opencode-port', String(ctx.opencode.port), '--log-level', 'info'] })
      listening.push(performance.now() - start)
      await waitStudioReady(studio.url, { intervalMs: 1 }) // polled tightly: the wait is what is measured
      ready.push(performance.now() - start)
      await studio.stop()
    }
    const l = summarize(listening)
    const r = summarize(ready)
    return [
      '## studio-startup: `node --import tsx src/main.ts` (what `npm start` runs) until Studio answers',
      '',
      `${new Date().toISOString()} · ${ctx.machine} · ${runs} cold starts, attached to a running OpenCode ·`,
      `command: \`npm run bench -- studio-startup\``,
      '',
      table(
        ['milestone', 'n', 'median', 'p90', 'max'],
        [
          ['listening ("opencode-studio listening on" printed)', l.n, ms(l.median), ms(l.p90), ms(Math.max(...listening))],
          ['/health says OpenCode ready', r.n, ms(r.median), ms(r.p90), ms(Math.max(...ready))],
        ],
      ),
      '',
      `Goal: Studio up in under ${GOAL_MS} ms: ${Math.max(...ready) < GOAL_MS ? 'met' : 'NOT met'} (slowest run ${ms(Math.max(...ready))} ms).`,
    ].join('\n')
  },
}
