// How fast /api/session/status answers from Studio's own index: asked for it (local=true), and as the
// fallback while OpenCode is unreachable (what a browser gets during an outage).

import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import { freePort } from '../../src/lib/free-port.js'
import { createScratch } from '../../test/harness/scratch.js'
import { waitFor } from '../../test/harness/wait.js'
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

/** Rounds of "kill OpenCode mid-prompt, ask for status at once" (each waits for OpenCode to come back). */
const KILL_ROUNDS = 5

/**
 * The moment of failure: a spawned OpenCode is killed (SIGKILL) while a prompt runs; how long until the
 * first /api/session/status answer, counted from the kill. Studio has its own OpenCode and scratch home here.
 */
async function afterKill(llmBaseUrl: string): Promise<Summary> {
  const scratch = createScratch({ llmBaseUrl })
  const studio = await startStudioChild({ env: scratch.env, args: ['--opencode-cwd', scratch.workspace, '--log-level', 'warn'] })
  const pool = new Pool(studio.url, { connections: 1 })
  const get = async (path: string) => {
    const res = await pool.request({ method: 'GET', path })
    return { headers: res.headers, body: (await res.body.json()) as Record<string, any> }
  }
  const dir = scratch.dir('killed')
  const q = `directory=${encodeURIComponent(dir)}`
  const samples: number[] = []
  try {
    for (let round = 0; round < KILL_ROUNDS; round++) {
      await waitFor(async () => (await get('/health')).body.opencode.state === 'ready', { timeoutMs: 60_000, what: 'OpenCode ready (restarts back off: 0.5 s, 1 s, 2 s …)' })
      const created = await pool.request({ method: 'POST', path: `/api/session?${q}`, headers: { 'content-type': 'application/json' }, body: '{"title":"doomed"}' })
      const id = ((await created.body.json()) as { id: string }).id
      const prompt = await pool.request({
        method: 'POST',
        path: `/api/session/${id}/prompt_async?${q}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parts: [{ type: 'text', text: 'never ends [[delay:1000]] [[chunks:30]]' }] }),
      })
      await prompt.body.dump()
      await waitFor(async () => (await get(`/api/session/status?sessionId=${id}&local=true`)).body[id]?.type === 'busy', { what: 'busy' })
      const pid = (await get('/health')).body.opencode.pid as number
      const killedAt = performance.now()
      process.kill(pid, 'SIGKILL')
      const answer = await get(`/api/session/status?${q}`)
      samples.push(performance.now() - killedAt)
      if (answer.headers['x-opencode-studio-source'] !== 'local-cache' || answer.body[id]?.type !== 'busy') {
        throw new Error(`unexpected answer after the kill: ${JSON.stringify(answer.body)} from ${String(answer.headers['x-opencode-studio-source'])}`)
      }
    }
  } catch (err) {
    throw new Error(`${(err as Error).message}; Studio said: ${studio.output().slice(-2000)}`)
  } finally {
    await pool.close()
    await studio.stop()
    scratch.remove()
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
    const killed = await afterKill(ctx.mock.baseUrl)
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
          row('first answer after OpenCode is killed mid-prompt, from the kill', killed),
        ],
      ),
      '',
      `After a kill -9 the first status answer (local-cache, still showing the prompt busy) came ${ms(killed.median)} ms after the kill at the median, ` +
        `${ms(Math.max(killed.p99))} ms at worst over ${killed.n} kills (goal: within 50 ms: ${killed.p99 <= 50 ? 'met' : 'not met'}).`,
    ].join('\n')
  },
}
