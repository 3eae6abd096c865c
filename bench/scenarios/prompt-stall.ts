// A huge prompt must not stall Studio (issue 13, item 9): a 90 MB JSON prompt, once without any
// serverPath part and once with one at its end, sent through Studio's /api/session/:id/prompt_async to the
// real OpenCode. While it streams, a second connection asks /health every 10 ms: the longest answer is
// the longest time Studio's event loop could not serve anyone (goal ≤ 100 ms, minus the loopback floor
// measured the same way with no prompt). Studio's resident memory is sampled too.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import { peakResidentMb } from '../../test/harness/proc.js'
import type { Scenario } from '../context.js'
import { table } from '../results-file.js'

const BODY_MB = 90
const PROBE_EVERY_MS = 10
const GOAL_STALL_MS = 100

interface Reading {
  label: string
  status: number
  seconds: number
  worstMs: number
  p99Ms: number
  rssGrowthMb: number
}

/** Asks /health every PROBE_EVERY_MS while `work` runs; the answer times, in ms. */
async function probeWhile(url: string, work: () => Promise<void>): Promise<number[]> {
  const pool = new Pool(url, { connections: 1 })
  const times: number[] = []
  let running = true
  const loop = (async () => {
    while (running) {
      const t = performance.now()
      const res = await pool.request({ method: 'GET', path: '/health' })
      await res.body.dump()
      times.push(performance.now() - t)
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS))
    }
  })()
  try {
    await work()
  } finally {
    running = false
    await loop
    await pool.close()
  }
  return times
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN
}

export const promptStall: Scenario = {
  name: 'prompt-stall',
  async run(ctx) {
    const ws = ctx.opencode.scratch.dir('stall-bench')
    writeFileSync(join(ws, 'note.txt'), 'a small attachment at the end of a huge prompt\n')
    const q = `directory=${encodeURIComponent(ws)}`
    const studio = new Pool(ctx.studio.url, { connections: 2 })
    const filler = 'x'.repeat(BODY_MB * 1024 * 1024)
    const bodies = {
      'no serverPath part': Buffer.from(JSON.stringify({ noReply: true, parts: [{ type: 'text', text: filler }] })),
      'a serverPath part at the end': Buffer.from(
        JSON.stringify({ noReply: true, parts: [{ type: 'text', text: filler }, { type: 'file', mime: 'text/plain', serverPath: 'note.txt' }] }),
      ),
    }
    const readings: Reading[] = []
    try {
      const floor = await probeWhile(ctx.studio.url, () => new Promise((r) => setTimeout(r, 3000)))
      for (const [label, body] of Object.entries(bodies)) {
        const created = await studio.request({ method: 'POST', path: `/api/session?${q}`, headers: { 'content-type': 'application/json' }, body: '{"title":"stall"}' })
        const id = ((await created.body.json()) as { id: string }).id
        let status = 0
        const started = performance.now()
        const { peakMb, baselineMb, result: times } = await peakResidentMb(ctx.studio.pid, () =>
          probeWhile(ctx.studio.url, async () => {
            const res = await studio.request({ method: 'POST', path: `/api/session/${id}/prompt_async?${q}`, headers: { 'content-type': 'application/json' }, body })
            await res.body.dump()
            status = res.statusCode
          }),
        )
        readings.push({ label, status, seconds: (performance.now() - started) / 1000, worstMs: Math.max(...times), p99Ms: p99(times), rssGrowthMb: peakMb - baselineMb })
      }
      const floorWorst = Math.max(...floor)
      const worst = Math.max(...readings.map((r) => r.worstMs))
      return [
        '## Prompt stall (`npm run bench -- prompt-stall`)',
        '',
        `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${ctx.machine}`,
        '',
        `A ${BODY_MB} MB JSON prompt sent to \`/api/session/:id/prompt_async\` (\`noReply\`), while another connection asks \`/health\` every ${PROBE_EVERY_MS} ms.`,
        '',
        table(
          ['prompt', 'status', 'sent in s', '/health worst ms', '/health p99 ms', 'Studio RSS growth MB'],
          [
            ['(none: the floor)', '-', '3.0', floorWorst.toFixed(1), p99(floor).toFixed(1), '-'],
            ...readings.map((r) => [r.label, r.status, r.seconds.toFixed(1), r.worstMs.toFixed(1), r.p99Ms.toFixed(1), r.rssGrowthMb.toFixed(0)]),
          ],
        ),
        '',
        `- Longest wait for /health while a prompt streamed: **${worst.toFixed(0)} ms** (goal ≤ ${GOAL_STALL_MS} ms: ${worst <= GOAL_STALL_MS ? 'met' : 'not met'}); with no prompt, ${floorWorst.toFixed(0)} ms.`,
      ].join('\n')
    } finally {
      await studio.close()
    }
  },
}
