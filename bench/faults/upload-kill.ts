// kill -9 of Studio, again and again, during 50 concurrent uploads and serverPath forwards; after each
// restart (same data dir, attached to the same real OpenCode) the cache and the workspace are checked
// from disk: blobs whose content does not match their digest, index rows without their blob, blobs no
// row references, temp files, half-written upload targets, acknowledged uploads that are not intact.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { table } from '../results-file.js'
import { percentile } from '../stats.js'
import { startOpenCode } from '../../test/harness/opencode.js'
import { waitFor } from '../../test/harness/wait.js'
import { auditCache, halfWritten, sha256 } from '../../test/support/cache-audit.js'
import { callJson } from '../../test/support/http.js'
import { startStudioChild, waitStudioReady, type ChildStudio } from '../../test/support/studio.js'
import { startLoad, writeForwardDocs } from '../../test/support/upload-load.js'
import { tempLeftovers } from '../../test/support/uploads.js'
import type { FaultContext } from './opencode-kill.js'

const CONCURRENT = 50
const DOC_BYTES = 512 * 1024
/** Kill once a random number of uploads (1 to this share of them) is done: the rest are mid-body or mid-commit. */
const KILL_AT_SHARE = 0.8

export async function uploadKill(ctx: FaultContext): Promise<string> {
  const kills = Number(process.env.FAULTS_UPLOAD_KILLS ?? 10)
  const uploads = CONCURRENT / 2
  const forwards = CONCURRENT - uploads
  const oc = await startOpenCode({ llmBaseUrl: ctx.llmBaseUrl, scratch: ctx.scratch })
  const ws = ctx.scratch.dir('upload-kill')
  const dataDir = join(ctx.scratch.root, 'studio-data')
  const args = ['--opencode-port', String(oc.port), '--data-dir', dataDir, '--log-level', 'warn']
  const totals = { corrupt: 0, dangling: 0, orphans: 0, danglingSources: 0, inFlight: 0, temps: 0, half: 0, lost: 0, debris: 0 }
  const counts = { completed: 0, forwarded: 0, outcomes: new Map<string, number>() }
  const restartMs: number[] = []
  const sent = new Map<string, Set<string>>()
  let studio: ChildStudio | null = null
  let blobsAtEnd = 0
  try {
    studio = await startStudioChild({ env: ctx.scratch.env, args })
    await waitStudioReady(studio.url)
    const session = (await callJson(`${studio.url}/api/session?directory=${encodeURIComponent(ws)}`, { method: 'POST', body: { title: 'upload-kill' } })).body.id as string
    for (let i = 0; i < kills; i++) {
      writeForwardDocs(ws, forwards, DOC_BYTES) // new content: every round encodes
      const load = startLoad({ url: studio.url, workspace: ws, session, uploads, forwards, chunkBytes: 64 * 1024, delayMs: 15, noReply: true }, sent)
      const killAt = 1 + Math.floor(Math.random() * uploads * KILL_AT_SHARE)
      await waitFor(() => load.completed.size >= killAt, { timeoutMs: 120_000, intervalMs: 5, what: `${killAt} uploads done` })
      studio.process.kill('SIGKILL')
      await studio.exited
      await load.settled
      totals.debris += tempLeftovers(ws, dataDir).length
      const t0 = performance.now()
      studio = await startStudioChild({ env: ctx.scratch.env, args }) // listening = the start-up sweep is done
      restartMs.push(performance.now() - t0)

      const audit = auditCache(dataDir)
      const temps = tempLeftovers(ws, dataDir).length
      const half = halfWritten(load.targets, new Set([...sent.values()].flatMap((s) => [...s]))).length
      const lost = [...load.completed].filter(([path, digest]) => sha256(readFileSync(path)) !== digest).length
      totals.corrupt += audit.corruptBlobs.length
      totals.dangling += audit.danglingRows.length
      totals.orphans += audit.orphanBlobs.length
      totals.danglingSources += audit.danglingSources
      totals.inFlight += audit.uploadsInFlight
      totals.temps += temps
      totals.half += half
      totals.lost += lost
      counts.completed += load.completed.size
      counts.forwarded += load.forwarded
      for (const [k, v] of load.outcomes) counts.outcomes.set(k, (counts.outcomes.get(k) ?? 0) + v)
      blobsAtEnd = audit.blobRows
      process.stderr.write(
        `  kill ${i + 1}/${kills}: ${load.completed.size} uploads and ${load.forwarded} forwards done; after restart: ` +
          `${audit.corruptBlobs.length} corrupt, ${audit.danglingRows.length} dangling, ${audit.orphanBlobs.length} orphan, ${temps} temp, ${half} half-written, ${lost} lost\n`,
      )
    }
  } finally {
    await studio?.stop()
    await oc.stop()
  }
  const verdict = (n: number) => (n === 0 ? 'met' : '**not met**')
  const cut = [...counts.outcomes].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'
  const sorted = [...restartMs].sort((a, b) => a - b)
  return [
    `## upload-kill: kill -9 of Studio ${kills} times during ${CONCURRENT} concurrent uploads and forwards`,
    '',
    `${ctx.when} · ${ctx.machine} · OpenCode ${oc.version} · Studio attached to one OpenCode, one data dir throughout; each round: ${uploads}`,
    `uploads (64 KiB chunks every 15 ms, 256 KiB to 1.25 MiB, overwriting the previous round's targets) and ${forwards} prompts with a`,
    `serverPath part (a fresh ${DOC_BYTES / 1024} KiB PDF each, so each is read and encoded into the cache; noReply), kill -9 once a random`,
    `1 to ${uploads * KILL_AT_SHARE} uploads are done, restart, then audit the data dir and workspace from disk (test/support/cache-audit.ts)`,
    `· command: \`${ctx.command}\`${process.env.FAULTS_UPLOAD_KILLS ? ` with FAULTS_UPLOAD_KILLS=${kills}` : ''}`,
    '',
    table(
      ['figure', 'value', 'goal', 'verdict'],
      [
        ['Studio kills', kills, '', ''],
        ['uploads / forwards started', `${uploads * kills} / ${forwards * kills}`, '', ''],
        ['uploads / forwards answered 200 before the kill', `${counts.completed} / ${counts.forwarded}`, '', ''],
        ['temp files the kills left (cleared at restart)', totals.debris, '', ''],
        ['blobs whose content does not match their digest', totals.corrupt, '0', verdict(totals.corrupt)],
        ['index rows whose blob file is missing', totals.dangling, '0', verdict(totals.dangling)],
        ['blob files no index row references', totals.orphans, '0', verdict(totals.orphans)],
        ['source rows without their blob row', totals.danglingSources, '0', verdict(totals.danglingSources)],
        ['uploads still recorded in flight', totals.inFlight, '0', verdict(totals.inFlight)],
        ['temp files left after restart (workspace + data dir)', totals.temps, '0', verdict(totals.temps)],
        ['half-written upload targets', totals.half, '0', verdict(totals.half)],
        ['acknowledged uploads not intact', totals.lost, '0', verdict(totals.lost)],
        ['blobs in the cache at the end', blobsAtEnd, '', ''],
        ['restart until listening (sweep done): p50 / max', sorted.length ? `${percentile(sorted, 50).toFixed(0)} / ${sorted.at(-1)!.toFixed(0)}` : 'n/a', '', ''],
      ],
    ),
    '',
    `Requests without a 200, by what happened: ${cut}. Figures are summed over the audits after each restart. A blob file`,
    "is durable before its row is written and Studio's start-up sweep removes unindexed blobs, rows without a blob and",
    'recorded temp files (src/attachments/cache.ts), so after a restart all of them must be 0.',
  ].join('\n')
}
