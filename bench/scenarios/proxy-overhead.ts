// What the generic proxy adds: GET /api/vcs?directory=D through Studio versus GET /vcs?directory=D sent
// straight to OpenCode, in the same run. (Until the session index landed this scenario used
// /api/session; that list is now answered by Studio itself, see the session-tree scenario.) A bare reference proxy (bench/reference-proxy.ts) runs too:
// it shows what the extra process hop alone costs on this machine. Requests rotate over the variants so
// drift in OpenCode's own latency affects all of them alike.

import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import { cpuNs } from '../../test/harness/proc.js'
import type { Scenario } from '../context.js'
import { startHelperServer } from '../helper-server.js'
import { ms, table } from '../results-file.js'
import { summarize, type Summary } from '../stats.js'

const WARMUP = 300
const GOAL_ADDED_MS = 0.5
const REFERENCE = fileURLToPath(new URL('../reference-proxy.ts', import.meta.url))

export const proxyOverhead: Scenario = {
  name: 'proxy-overhead',
  async run(ctx, { iterations }) {
    const dir = ctx.opencode.scratch.dir('bench-proxy')
    const query = `?directory=${encodeURIComponent(dir)}`
    const reference = await startHelperServer(REFERENCE, ctx.opencode.url, 'reference proxy')
    const variants: { name: string; pool: Pool; path: string; samples: number[]; pid?: number; cpuNs?: number }[] = []
    try {
      const direct = new Pool(ctx.opencode.url, { connections: 1 })
      variants.push(
        { name: 'direct to OpenCode', pool: direct, path: `/vcs${query}`, samples: [] },
        { name: 'through Studio', pool: new Pool(ctx.studio.url, { connections: 1 }), path: `/api/vcs${query}`, samples: [], pid: ctx.studio.pid },
        { name: 'through the bare reference proxy', pool: new Pool(reference.url, { connections: 1 }), path: `/api/vcs${query}`, samples: [], pid: reference.pid },
      )
      const once = async (pool: Pool, path: string) => {
        const start = performance.now()
        const res = await pool.request({ method: 'GET', path })
        await res.body.text()
        if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`)
        return performance.now() - start
      }
      for (let i = 0; i < WARMUP + iterations; i++) {
        if (i === WARMUP) for (const v of variants) if (v.pid) v.cpuNs = cpuNs(v.pid)
        for (let k = 0; k < variants.length; k++) {
          const v = variants[(i + k) % variants.length]!
          const t = await once(v.pool, v.path)
          if (i >= WARMUP) v.samples.push(t)
        }
      }
      for (const v of variants) if (v.pid) v.cpuNs = cpuNs(v.pid) - v.cpuNs!
      const cpuPerRequest = (v: (typeof variants)[number]) => (v.cpuNs === undefined ? '—' : `${Math.round(v.cpuNs / 1000 / iterations)} µs`)
      const [sd, sp, sr] = variants.map((v) => summarize(v.samples)) as [Summary, Summary, Summary]
      const added = sp.median - sd.median
      const row = (i: number, s: Summary) => {
        const v = variants[i]!
        return [v.name, s.n, ms(s.median), ms(s.p90), ms(s.p99), (s.median / sd.median).toFixed(2), ms(s.median - sd.median), cpuPerRequest(v)]
      }
      return [
        `## proxy-overhead: GET /api/vcs through Studio vs. straight to OpenCode`,
        '',
        `${new Date().toISOString()} · ${ctx.machine} · OpenCode ${ctx.opencode.version ?? '?'} ·`,
        `${iterations} requests per variant after ${WARMUP} warm-up rounds, one keep-alive connection each, variants rotated ·`,
        `command: \`npm run bench -- proxy-overhead --iterations ${iterations}\``,
        '',
        table(
          ['variant', 'n', 'median', 'p90', 'p99', 'ratio to direct (median)', 'added at the median', 'proxy CPU per request'],
          [row(0, sd), row(1, sp), row(2, sr)],
        ),
        '',
        `Added by Studio at the median: **${ms(added)} ms** (goal: under ${GOAL_ADDED_MS} ms: ${added < GOAL_ADDED_MS ? 'met' : 'not met'}); ` +
          `the bare reference proxy, which does nothing but forward, adds ${ms(sr.median - sd.median)} ms on this machine. ` +
          'Proxy CPU per request is the proxy process\'s on-CPU time over all its threads (/proc/<pid>/task/*/schedstat) during the measured requests, divided by their number.',
      ].join('\n')
    } finally {
      await reference.stop()
      await Promise.all(variants.map((v) => v.pool.close()))
    }
  },
}
