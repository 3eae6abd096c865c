// A tree page (roots=true&includeChildren=true&limit=50) from Studio's index versus OpenCode's own
// GET /session?directory=…, at 10k sessions created through the real OpenCode, then the same page at
// 100k sessions (rows added to a copy of its database), with the index's memory at that size.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { Pool } from 'undici'
import { directoryKey } from '../../src/sessions/index.js'
import { createSessionStore } from '../../src/sessions/store.js'
import { listPage, listQuery, type ListQuery } from '../../src/sessions/tree-page.js'
import { createStorage } from '../../src/storage/index.js'
import { residentMb } from '../../test/harness/proc.js'
import { waitFor } from '../../test/harness/wait.js'
import { startStudioChild, type ChildStudio } from '../../test/support/studio.js'
import type { Scenario } from '../context.js'
import { ms, table } from '../results-file.js'
import { DIRECTORIES, seedRows, seedThroughOpenCode } from '../seed-sessions.js'
import { summarize, type Summary } from '../stats.js'

const SMALL = 10_000
const LARGE = 100_000
const PAGE = 'roots=true&includeChildren=true&limit=50'
const GOAL_SPEEDUP = 15
const GOAL_SERVER_MS = 2
const GOAL_MEMORY_MB = 150

interface Timed {
  total: number[]
  server: number[]
}

async function timeRequests(pool: Pool, path: string, n: number, into: Timed): Promise<void> {
  for (let i = 0; i < n; i++) {
    const start = performance.now()
    const res = await pool.request({ method: 'GET', path })
    await res.body.text()
    if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}`)
    into.total.push(performance.now() - start)
    const timing = /dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''))
    if (timing) into.server.push(Number(timing[1]))
  }
}

async function indexedSessions(studio: ChildStudio): Promise<number> {
  const pool = new Pool(studio.url, { connections: 1 })
  try {
    const res = await pool.request({ method: 'GET', path: '/health' })
    const body = (await res.body.json()) as { storage: { sessions: number; loaded: boolean } }
    return body.storage.loaded ? body.storage.sessions : -1
  } finally {
    await pool.close()
  }
}

export const sessionTree: Scenario = {
  name: 'session-tree',
  async run(ctx, { iterations }) {
    const rounds = Math.max(50, Math.round(iterations / 4))
    const directories = Array.from({ length: DIRECTORIES }, (_, i) => ctx.opencode.scratch.dir(`tree-${String(i).padStart(2, '0')}`))
    const seedStart = performance.now()
    const ids = await seedThroughOpenCode(ctx.opencode.url, directories, SMALL)
    const seedSeconds = (performance.now() - seedStart) / 1000
    await waitFor(async () => (await indexedSessions(ctx.studio)) >= SMALL, { timeoutMs: 60_000, what: 'Studio indexing 10k sessions' })

    // 10k: Studio's page vs OpenCode's own list of the same directory, interleaved
    const dir = directories[3]!
    const studioPool = new Pool(ctx.studio.url, { connections: 1 })
    const openPool = new Pool(ctx.opencode.url, { connections: 1 })
    const studioTimes: Timed = { total: [], server: [] }
    const openTimes: Timed = { total: [], server: [] }
    const q = `directory=${encodeURIComponent(dir)}`
    try {
      await timeRequests(studioPool, `/api/session?${q}&${PAGE}`, 20, { total: [], server: [] })
      await timeRequests(openPool, `/session?${q}`, 20, { total: [], server: [] })
      for (let i = 0; i < rounds; i++) {
        await timeRequests(studioPool, `/api/session?${q}&${PAGE}`, 1, studioTimes)
        await timeRequests(openPool, `/session?${q}`, 1, openTimes)
      }
    } finally {
      await studioPool.close()
      await openPool.close()
    }
    const s10 = summarize(studioTimes.total)
    const o10 = summarize(openTimes.total)
    const srv10 = summarize(studioTimes.server)
    const speedup = o10.median / s10.median

    // 100k: a copy of OpenCode's database with rows added, read by a second Studio
    const copyDir = join(ctx.opencode.scratch.root, 'bench-100k')
    mkdirSync(copyDir, { recursive: true })
    const copy = join(copyDir, 'opencode.db')
    const source = new Database(join(ctx.opencode.scratch.dataDir, 'opencode.db'), { readonly: true })
    await source.backup(copy)
    source.close()
    seedRows(copy, directories, ids, LARGE - SMALL)
    const memory = await measureIndex(copyDir, listQuery({ kind: 'directory', key: directoryKey(dir) }, { roots: true, includeChildren: true, limit: 50 }))

    const big = await startStudioChild({
      env: ctx.opencode.scratch.env,
      args: ['--opencode-port', String(ctx.opencode.port), '--opencode-data-dir', copyDir, '--log-level', 'warn'],
    })
    const large: Timed = { total: [], server: [] }
    let rssMb = 0
    try {
      await waitFor(async () => (await indexedSessions(big)) >= LARGE, { timeoutMs: 60_000, what: 'Studio indexing 100k sessions' })
      rssMb = residentMb(big.pid)
      const pool = new Pool(big.url, { connections: 1 })
      try {
        await timeRequests(pool, `/api/session?${q}&${PAGE}`, 50, { total: [], server: [] })
        await timeRequests(pool, `/api/session?${q}&${PAGE}`, rounds * 2, large)
      } finally {
        await pool.close()
      }
    } finally {
      await big.stop()
    }
    const s100 = summarize(large.total)
    const srv100 = summarize(large.server)

    const row = (name: string, s: Summary, server: Summary | null) => [name, s.n, ms(s.median), ms(s.p90), ms(s.p99), server ? ms(server.median) : '—']
    return [
      '## session-tree: a tree page from Studio vs. OpenCode\'s own session list',
      '',
      `${new Date().toISOString()} · ${ctx.machine} · OpenCode ${ctx.opencode.version ?? '?'} ·`,
      `${SMALL} sessions created through OpenCode's API in ${seedSeconds.toFixed(0)} s (${DIRECTORIES} directories, every 5th a child of an earlier session, usually in another directory);`,
      `${LARGE} = those plus rows added to a copy of its database · page: \`${PAGE}\` for one directory (${dirSize(ids.length, directories.length)} sessions of its own) ·`,
      `command: \`npm run bench -- session-tree --iterations ${iterations}\``,
      '',
      table(
        ['request', 'n', 'median', 'p90', 'p99', 'server time (median)'],
        [
          row(`OpenCode GET /session?directory=… (${SMALL} sessions)`, o10, null),
          row(`Studio tree page (${SMALL} sessions)`, s10, srv10),
          row(`Studio tree page (${LARGE} sessions)`, s100, srv100),
        ],
      ),
      '',
      `- Speed-up at ${SMALL}: **${speedup.toFixed(1)}×** OpenCode's own list (goal ≥ ${GOAL_SPEEDUP}×: ${speedup >= GOAL_SPEEDUP ? 'met' : 'not met'}).`,
      `- Server time at ${LARGE}: **${ms(srv100.median)} ms** median (goal < ${GOAL_SERVER_MS} ms: ${srv100.median < GOAL_SERVER_MS ? 'met' : 'not met'}). ` +
        'Repeated pages come from the page cache, which any session change empties; computing the page afresh ' +
        `(the first request after a change) takes ${ms(memory.compute.median)} ms median, ${ms(memory.compute.p90)} ms p90 (measured in-process, ${memory.compute.n} runs).`,
      `- Index memory at ${LARGE}: **${memory.heapMb.toFixed(1)} MB** of heap (goal < ${GOAL_MEMORY_MB} MB: ${memory.heapMb < GOAL_MEMORY_MB ? 'met' : 'not met'}), loaded in ${(memory.loadMs / 1000).toFixed(2)} s; the Studio process serving it had ${rssMb.toFixed(0)} MB resident.`,
    ].join('\n')
  },
}

/**
 * The index at this size, measured in this process: the heap its store takes (between forced
 * collections), how long loading takes, and what computing the page costs when no cached page can be
 * reused (the first request after any session changed).
 */
async function measureIndex(dataDir: string, query: ListQuery): Promise<{ heapMb: number; loadMs: number; compute: Summary }> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run the benchmarks with --expose-gc (npm run bench does)')
  const storage = createStorage(dataDir)
  gc()
  const before = process.memoryUsage().heapUsed
  const started = performance.now()
  const store = createSessionStore()
  const loaded = await storage.reader()!.loadSessions((rows) => rows.forEach((s) => store.upsert(s)))
  if (!loaded.ok) throw new Error(loaded.reason)
  const loadMs = performance.now() - started
  gc()
  const heapMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024
  const times: number[] = []
  for (let i = 0; i < 220; i++) {
    const t = performance.now()
    listPage(store, query)
    if (i >= 20) times.push(performance.now() - t)
  }
  storage.close()
  return { heapMb, loadMs, compute: summarize(times) }
}

function dirSize(total: number, dirs: number): string {
  return `~${Math.round(total / dirs)}`
}

