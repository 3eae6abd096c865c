// How fast /api/session/status answers from Studio's own index: asked for it (local=true), and as the
// fallback while OpenCode is unreachable (what a browser gets during an outage).

import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import { freePort } from '../../src/lib/free-port.js'
import { startStudioChild } from '../../test/support/studio.js'
import type { Scenario } from '../context.js'
import { ms, table } from '../results-file.js'
import { summarize, type Summary } from '../stats.js'

async function time(url: string, path: string, n: number, expectSource: string): Promise<Summary> {
  const pool = new Pool(url, { connections: 1 })
  const samples: number[] = []
  try {
    for (let i = 0; i < n + 100; i++) {
      const start = performance.now()
      const res = await pool.request({ method: 'GET', path })
      await res.body.text()
      if (res.statusCode !== 200 || res.headers['x-opencode-studio-source'] !== expectSource) {
        throw new Error(`${path} answered ${res.statusCode} from ${String(res.headers['x-opencode-studio-source'])}`)
      }
      if (i >= 100) samples.push(performance.now() - start)
    }
  } finally {
    await pool.close()
  }
  return summarize(samples)
}

export const statusLocal: Scenario = {
  name: 'status-local',
  async run(ctx, { iterations }) {
    const dir = encodeURIComponent(ctx.opencode.scratch.dir('status-bench'))
    const local = await time(ctx.studio.url, `/api/session/status?directory=${dir}&local=true`, iterations, 'local')
    const upstream = await time(ctx.studio.url, `/api/session/status?directory=${dir}`, iterations, 'opencode')
    // a Studio whose OpenCode is gone: every answer is the fallback
    const orphan = await startStudioChild({ env: ctx.opencode.scratch.env, args: ['--opencode-port', String(await freePort()), '--log-level', 'warn'] })
    let fallback: Summary
    try {
      fallback = await time(orphan.url, `/api/session/status?directory=${dir}`, iterations, 'local-cache')
    } finally {
      await orphan.stop()
    }
    const row = (name: string, s: Summary) => [name, s.n, ms(s.median), ms(s.p90), ms(s.p99)]
    return [
      '## status-local: /api/session/status answered from Studio\'s index',
      '',
      `${new Date().toISOString()} · ${ctx.machine} · OpenCode ${ctx.opencode.version ?? '?'} · sequential requests on one keep-alive connection ·`,
      `command: \`npm run bench -- status-local --iterations ${iterations}\``,
      '',
      table(
        ['answer', 'n', 'median', 'p90', 'p99'],
        [
          row('local=true (index only)', local),
          row('OpenCode up (asked, merged)', upstream),
          row('OpenCode unreachable (fallback, x-opencode-studio-source: local-cache)', fallback),
        ],
      ),
    ].join('\n')
  },
}
