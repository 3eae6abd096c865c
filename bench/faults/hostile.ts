// The hostile-request table (test/support/hostile-cases.ts, the same rows `npm test` runs) against two
// Studio processes attached to a real OpenCode: one serving any directory, one serving only the
// workspace (the `directory` rows). Then 1,000 idle connections. Figures: Studio processes that died,
// files written outside the workspace, error answers of Studio's own that are not its JSON, and rows
// answered otherwise than the table says.

import { table } from '../results-file.js'
import { startOpenCode } from '../../test/harness/opencode.js'
import { callJson } from '../../test/support/http.js'
import { HOSTILE_CASES, HOSTILE_STUDIO_ARGS, type HostileContext } from '../../test/support/hostile-cases.js'
import { runHostileTable } from '../../test/support/hostile-run.js'
import { prepareHostileGround, snapshotDisk, writtenOutside } from '../../test/support/hostile/workspace.js'
import { idleConnections } from '../../test/support/idle-connections.js'
import { startStudioChild, waitStudioReady, type ChildStudio } from '../../test/support/studio.js'
import { join } from 'node:path'
import type { FaultContext } from './opencode-kill.js'

/** Rows in flight at once: the stalls wait on Studio's timeouts, the rest are quick. */
const CONCURRENCY = 4
const IDLE_CLOSE_WITHIN_MS = 20_000

export async function hostile(ctx: FaultContext): Promise<string> {
  const idleCount = Number(process.env.FAULTS_IDLE_CONNECTIONS ?? 1000)
  const { ws, outside } = prepareHostileGround(join(ctx.scratch.root, 'hostile'))
  const oc = await startOpenCode({ llmBaseUrl: ctx.llmBaseUrl, scratch: ctx.scratch })
  const common = ['--opencode-port', String(oc.port), ...HOSTILE_STUDIO_ARGS, '--log-level', 'error']
  const studios: ChildStudio[] = []
  let deaths = 0
  const watch = (s: ChildStudio) => {
    studios.push(s)
    void s.exited.then(({ code, signal }) => {
      if (!stopping) {
        deaths++
        process.stderr.write(`  Studio ${s.pid} died (${code ?? signal}):\n${s.output().slice(-3000)}\n`)
      }
    })
    return s
  }
  let stopping = false
  try {
    const open = watch(await startStudioChild({ env: ctx.scratch.env, args: [...common, '--data-dir', join(ctx.scratch.root, 'open-data')] }))
    const guarded = watch(await startStudioChild({ env: ctx.scratch.env, args: [...common, '--data-dir', join(ctx.scratch.root, 'guarded-data'), '--allowed-directories', ws] }))
    await waitStudioReady(open.url)
    await waitStudioReady(guarded.url)
    const session = (await callJson(`${open.url}/api/session?directory=${encodeURIComponent(ws)}`, { method: 'POST', body: { title: 'hostile' } })).body.id as string
    const c: HostileContext = { port: Number(new URL(open.url).port), guardedPort: Number(new URL(guarded.url).port), ws, outside, session }
    const before = snapshotDisk(ws, outside, ctx.scratch.home)

    let done = 0
    const outcomes = await runHostileTable(c, {
      concurrency: CONCURRENCY,
      onRow: () => {
        if (++done % 100 === 0) process.stderr.write(`  ${done}/${HOSTILE_CASES.length} rows\n`)
      },
    })
    const outsideWrites = writtenOutside(before, snapshotDisk(ws, outside, ctx.scratch.home))
    const idle = await idleConnections(c.port, idleCount, IDLE_CLOSE_WITHIN_MS)
    const alive = studios.every((s) => s.process.exitCode === null && s.process.signalCode === null)

    const count = (f: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(f).length
    const unanswered = count((o) => o.answer === null)
    const mismatched = outcomes.filter((o) => !o.matched)
    const nonJson = outcomes.filter((o) => o.nonJson)
    const studio5xx = count((o) => (o.answer?.status ?? 0) >= 500 && !o.row.openCode)
    const openCodeRows = count((o) => o.row.openCode === true)
    const groups = new Map<string, { rows: number; matched: number }>()
    for (const o of outcomes) {
      const g = groups.get(o.row.group) ?? { rows: 0, matched: 0 }
      g.rows++
      if (o.matched) g.matched++
      groups.set(o.row.group, g)
    }
    const verdict = (ok: boolean) => (ok ? 'met' : '**not met**')
    const show = (os: typeof outcomes) => os.slice(0, 10).map((o) => `${o.row.name} → ${o.answer?.status ?? o.failure}`).join('; ') || 'none'
    return [
      `## hostile: ${HOSTILE_CASES.length} hostile requests from the table, then ${idleCount} idle connections`,
      '',
      `${ctx.when} · ${ctx.machine} · OpenCode ${oc.version} · two Studio processes attached to one OpenCode (one serving any directory, one`,
      `started with --allowed-directories <workspace> for the rows about \`directory\`), started with \`${HOSTILE_STUDIO_ARGS.join(' ')}\`; the table's`,
      `rows sent as raw bytes, ${CONCURRENCY} at a time; a workspace with symlinks leading out and a canary folder beside it`,
      `· command: \`${ctx.command}\`${process.env.FAULTS_IDLE_CONNECTIONS ? ` with FAULTS_IDLE_CONNECTIONS=${idleCount}` : ''}`,
      '',
      table(
        ['figure', 'value', 'goal', 'verdict'],
        [
          ['rows sent', outcomes.length, '≥ 300', verdict(outcomes.length >= 300)],
          ['Studio processes that died', deaths, '0', verdict(deaths === 0 && alive)],
          ['files written outside the workspace', outsideWrites.length, '0', verdict(outsideWrites.length === 0)],
          ["error answers of Studio's own without a JSON {error, code} body", nonJson.length, '0', verdict(nonJson.length === 0)],
          ['5xx answers of Studio’s own', studio5xx, '0', verdict(studio5xx === 0)],
          ['rows without an answer (timeout, reset)', unanswered, '0', verdict(unanswered === 0)],
          ['rows answered as the table says (status and code)', `${outcomes.length - mismatched.length} / ${outcomes.length}`, 'all', verdict(mismatched.length === 0)],
          ["rows answered by OpenCode (pass-through; OpenCode's own error shape, not counted above)", openCodeRows, '', ''],
          ['idle connections opened', idle.opened, '', ''],
          [`… closed by Studio within ${IDLE_CLOSE_WITHIN_MS / 1000} s`, idle.closedByStudio, String(idle.opened), verdict(idle.closedByStudio === idle.opened)],
          ['… told 408 request_timeout in JSON first (the half with a request begun)', idle.told408, `≥ ${Math.floor(idle.opened / 2)}`, verdict(idle.told408 >= Math.floor(idle.opened / 2))],
          ['/health answered while they were open', `${idle.served} / ${idle.probes}`, 'all', verdict(idle.served === idle.probes)],
          ['… slowest of those answers', idle.maxProbeMs.toFixed(1), '', ''],
        ],
      ),
      '',
      `Rows by group (answered as expected / rows): ${[...groups].map(([g, v]) => `${g} ${v.matched}/${v.rows}`).join(', ')}.`,
      `Rows answered otherwise: ${show(mismatched)}. Non-JSON error answers: ${show(nonJson)}. Written outside: ${outsideWrites.join(', ') || 'nothing'}.`,
      "The rule for Studio's own answers: every answer is, except where a row relays OpenCode's answer from a pass-through (the",
      'catch-all proxy, session writes, a prompt once Studio’s own checks passed); those keep OpenCode’s own error shape on purpose',
      '(OpenCode answers a malformed prompt body with 500 UnknownError, a malformed session body with 400 `{"_tag":"BadRequest"}`).',
      'Outside the workspace means: the canary folder, every folder around the workspace, the temp dir, /, /etc and Studio’s home.',
    ].join('\n')
  } finally {
    stopping = true
    for (const s of studios) await s.stop()
    await oc.stop()
  }
}
