// Forwarding a prompt with a 10 MB serverPath attachment: a cache miss (read + encode into a blob, then
// stream it), a hit (stream the blob), and a naive forwarder (read, encode, build one JSON string) as the
// baseline, each measured as the forwarding process's CPU time and peak resident memory per forward. Then
// 8 forwards at once, to show memory stays flat however large the attachments are.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { waitFor } from '../../test/harness/wait.js'
import type { Scenario } from '../context.js'
import { cpuNs, peakResidentMb } from '../proc.js'
import { table } from '../results-file.js'

const FILE_BYTES = 10 * 1024 * 1024
const ROUNDS = 5
const CONCURRENT = 8
const GOAL_CONCURRENT_MB = 40
const GOAL_WARM_FACTOR = 3
const NAIVE = fileURLToPath(new URL('../naive-forwarder.ts', import.meta.url))

interface Measured {
  cpuMsPerForward: number
  peakMb: number
  baselineMb: number
}

export const attachmentForward: Scenario = {
  name: 'attachment-forward',
  async run(ctx) {
    const ws = ctx.opencode.scratch.dir('attach-bench')
    const q = `directory=${encodeURIComponent(ws)}`
    const files = Array.from({ length: ROUNDS + CONCURRENT }, (_, i) => {
      const path = join(ws, `doc-${i}.pdf`)
      writeFileSync(path, Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(FILE_BYTES - 9)]))
      return path
    })
    const opencode = new Pool(ctx.opencode.url, { connections: 4 })
    const newSession = async () => {
      const res = await opencode.request({ method: 'POST', path: `/session?${q}`, headers: { 'content-type': 'application/json' }, body: '{"title":"bench"}' })
      return ((await res.body.json()) as { id: string }).id
    }

    const studio = new Pool(ctx.studio.url, { connections: CONCURRENT })
    const forward = async (file: string) => {
      const res = await studio.request({
        method: 'POST',
        path: `/api/session/${await newSession()}/message?${q}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parts: [{ type: 'text', text: 'bench' }, { type: 'file', serverPath: file }] }),
      })
      await res.body.dump()
      if (res.statusCode !== 202) throw new Error(`forward answered ${res.statusCode}`)
    }
    const measure = async (pid: number, work: () => Promise<void>, forwards: number): Promise<Measured> => {
      const before = cpuNs(pid)
      const { peakMb, baselineMb } = await peakResidentMb(pid, work)
      return { cpuMsPerForward: (cpuNs(pid) - before) / 1e6 / forwards, peakMb, baselineMb }
    }
    const sequential = (run: (file: string) => Promise<void>, list: string[]) => async () => {
      for (const f of list) await run(f)
    }

    const rounds = files.slice(0, ROUNDS)
    const cold = await measure(ctx.studio.pid, sequential(forward, rounds), ROUNDS)
    const warm = await measure(ctx.studio.pid, sequential(forward, rounds), ROUNDS)
    const burst = files.slice(ROUNDS)
    const concurrentCold = await measure(ctx.studio.pid, async () => void (await Promise.all(burst.map(forward))), CONCURRENT)
    const concurrentWarm = await measure(ctx.studio.pid, async () => void (await Promise.all(burst.map(forward))), CONCURRENT)

    const naiveChild = spawn(process.execPath, ['--import', 'tsx', NAIVE, ctx.opencode.url], { stdio: ['ignore', 'pipe', 'inherit'] })
    let announced = ''
    naiveChild.stdout.on('data', (b: Buffer) => (announced += b.toString()))
    let naive: Measured
    let naiveConcurrent: Measured
    try {
      const url = await waitFor(() => /listening on (\S+)/.exec(announced)?.[1], { what: 'naive forwarder' })
      const pool = new Pool(url, { connections: CONCURRENT })
      const naiveForward = async (file: string) => {
        const res = await pool.request({ method: 'POST', path: `/session/${await newSession()}?${q}&file=${encodeURIComponent(file)}` })
        await res.body.dump()
        if (res.statusCode !== 202) throw new Error(`naive forward answered ${res.statusCode}`)
      }
      naive = await measure(naiveChild.pid!, sequential(naiveForward, rounds), ROUNDS)
      naiveConcurrent = await measure(naiveChild.pid!, async () => void (await Promise.all(burst.map(naiveForward))), CONCURRENT)
      await pool.close()
    } finally {
      naiveChild.kill()
    }
    await studio.close()
    await opencode.close()

    const row = (name: string, m: Measured) => [name, m.cpuMsPerForward.toFixed(1), (m.peakMb - m.baselineMb).toFixed(1), m.baselineMb.toFixed(0)]
    const warmFactor = cold.cpuMsPerForward / warm.cpuMsPerForward
    const rise = Math.max(concurrentCold.peakMb - concurrentCold.baselineMb, concurrentWarm.peakMb - concurrentWarm.baselineMb)
    return [
      '## attachment-forward: a prompt with a 10 MB serverPath attachment',
      '',
      `${new Date().toISOString()} · ${ctx.machine} · OpenCode ${ctx.opencode.version ?? '?'} · ${FILE_BYTES / 1024 / 1024} MB PDF files, one new session per`,
      `forward; CPU is the forwarding process's on-CPU time over all its threads (/proc/<pid>/task/*/schedstat); memory is its resident`,
      `set sampled every 5 ms, as the rise over the level before the run · command: \`npm run bench -- attachment-forward\``,
      '',
      table(
        ['forward', 'CPU ms per forward', 'peak RSS rise (MB)', 'RSS before (MB)'],
        [
          row(`Studio, cache miss (${ROUNDS} in a row)`, cold),
          row(`Studio, cache hit (${ROUNDS} in a row)`, warm),
          row(`naive read-and-encode forwarder (${ROUNDS} in a row)`, naive),
          row(`Studio, ${CONCURRENT} at once, misses`, concurrentCold),
          row(`Studio, ${CONCURRENT} at once, hits`, concurrentWarm),
          row(`naive forwarder, ${CONCURRENT} at once`, naiveConcurrent),
        ],
      ),
      '',
      `- A hit costs Studio **${warmFactor.toFixed(1)}×** less CPU than a miss (goal ≥ ${GOAL_WARM_FACTOR}×: ${warmFactor >= GOAL_WARM_FACTOR ? 'met' : 'not met'}).`,
      `- ${CONCURRENT} concurrent 10 MB forwards raised Studio's RSS by at most **${rise.toFixed(1)} MB** (goal ≤ ${GOAL_CONCURRENT_MB} MB: ${rise <= GOAL_CONCURRENT_MB ? 'met' : 'not met'}).`,
    ].join('\n')
  },
}
