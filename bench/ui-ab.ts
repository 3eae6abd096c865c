// `npm run bench:ui-ab -- <revA> <revB> [--visits N]`: the UI benchmark's first visits (U1, U2, the
// longest load task) for two versions of the web app, side by side on the same servers, in alternating
// order. On a 2-core machine one page load varies by ±30 % and separate runs drift by more than most
// changes are worth; pairing visits taken seconds apart is what resolves a change of a few tens of ms.
// Each revision is checked out in a temporary worktree and built; both Studios attach to one OpenCode
// on the UI dataset. `.` is this checkout as it is (its web/dist is rebuilt). Prints a table; writes
// nothing else.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startMockLlm } from '../test/harness/mock-llm/server.js'
import { startOpenCode } from '../test/harness/opencode.js'
import { createScratch } from '../test/harness/scratch.js'
import { REPO_ROOT, startStudioChild, waitStudioReady, type ChildStudio } from '../test/support/studio.js'
import { summarize } from './stats.js'
import { launchUiBrowser } from './ui/browser.js'
import { waitForQuiet } from './ui/settle.js'
import { measureLoads, type LoadReadings } from './ui/studio-load.js'
import { ensureUiDataDir, installUiDataDir } from './ui-data-dir.js'
import { newestReplyMarker } from './ui-dataset.js'

const MEASURES: Array<[keyof LoadReadings, string]> = [
  ['sidebarFirstRowMs', 'U1 app JS → first sidebar row'],
  ['sidebarFirstRowNavMs', 'U1 navigation → first sidebar row'],
  ['openColdMs', 'U2 cold'],
  ['openWarmMs', 'U2 warm'],
  ['openHotMs', 'U2 third visit'],
  ['interactiveMs', 'U11 cold load to interactive'],
  ['loadLongestTaskMs', 'longest task while loading'],
  ['coldOpencodeCpuMs', "OpenCode's CPU during the cold visit"],
  ['coldStudioCpuMs', "Studio's CPU during the cold visit"],
]

const git = (args: string[], cwd = REPO_ROOT) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()

/** A checkout of `rev` with its web app built: a worktree (removed by `done`), or this checkout for `.`. */
function checkout(rev: string, parent: string): { root: string; label: string; done(): void } {
  const build = (root: string) =>
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts'], { cwd: root, stdio: 'ignore' })
  if (rev === '.') {
    build(REPO_ROOT)
    return { root: REPO_ROOT, label: 'this checkout', done() {} }
  }
  const commit = git(['rev-parse', '--verify', `${rev}^{commit}`])
  const root = join(parent, commit.slice(0, 12))
  git(['worktree', 'add', '--detach', root, commit])
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'))
  build(root)
  return { root, label: `${rev} (${commit.slice(0, 7)})`, done: () => git(['worktree', 'remove', '--force', root]) }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { visits: { type: 'string', default: '9' } }, allowPositionals: true })
  const visits = Number(values.visits)
  if (positionals.length !== 2 || !Number.isInteger(visits) || visits < 1) throw new Error('usage: npm run bench:ui-ab -- <revA> <revB> [--visits N]')
  const parent = mkdtempSync(join(tmpdir(), 'ocs-ui-ab-'))
  const sides: Array<ReturnType<typeof checkout>> = []
  const studios: ChildStudio[] = []
  const data = await ensureUiDataDir((line) => process.stderr.write(`${line}\n`))
  const mock = await startMockLlm()
  const scratch = createScratch({ llmBaseUrl: mock.baseUrl, prefix: 'ocs-ui-ab-' })
  try {
    for (const rev of positionals) {
      process.stderr.write(`ui-ab: building ${rev}…\n`)
      sides.push(checkout(rev, parent))
    }
    installUiDataDir(data, scratch)
    const oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, scratch, cwd: data.longSession.directory })
    try {
      for (const [i, side] of sides.entries()) {
        const args = ['--opencode-port', String(oc.port), '--opencode-data-dir', scratch.dataDir, '--data-dir', join(scratch.root, `studio-data-${i}`), '--log-level', 'warn']
        studios.push(await startStudioChild({ env: scratch.env, args, root: side.root, cwd: side.root }))
        await waitStudioReady(studios[i]!.url)
      }
      await waitForQuiet([oc.pid, ...studios.map((s) => s.pid)])
      const browser = await launchUiBrowser()
      const marker = newestReplyMarker(data)
      const readings: LoadReadings[][] = [[], []]
      try {
        for (let v = 0; v < visits; v++) {
          // A B, B A, …: neither side always goes first (a page right after another one is slower)
          for (const i of v % 2 === 0 ? [0, 1] : [1, 0]) {
            process.stderr.write(`ui-ab: visit ${v + 1}/${visits} of ${positionals[i]}\n`)
            const input = {
              url: studios[i]!.url,
              distDir: join(sides[i]!.root, 'web', 'dist'),
              longSession: { id: data.longSession.id, marker },
              serverPids: { opencode: oc.pid, studio: studios[i]!.pid },
            }
            readings[i]!.push(await measureLoads(browser, input, 1))
          }
        }
      } finally {
        await browser.close()
      }
      process.stdout.write(report(sides.map((s) => s.label), readings, visits))
    } finally {
      for (const s of studios) await s.stop()
      await oc.stop()
    }
  } finally {
    await mock.close()
    scratch.remove()
    for (const side of sides) side.done()
    rmSync(parent, { recursive: true, force: true })
  }
}

function report(labels: string[], readings: LoadReadings[][], visits: number): string {
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 100 ? 1 : 0) : '—')
  const rows = MEASURES.map(([key, what]) => {
    const a = readings[0]!.map((r) => r[key] as number)
    const b = readings[1]!.map((r) => r[key] as number)
    const diffs = b.map((x, i) => x - a[i]!)
    return `| ${what} | ${fmt(summarize(a).median)} | ${fmt(summarize(b).median)} | ${fmt(summarize(diffs).median)} | ${diffs.filter((d) => d < 0).length} of ${visits} |`
  })
  // long tasks are rare and their median often 0: every visit's longest, as well
  const tasks = readings.map((side) => side.map((r) => Math.round(r.loadLongestTaskMs)).join(' '))
  return [
    `A: ${labels[0]}, B: ${labels[1]}; ${visits} first visits each, alternating (ms, medians)`,
    '',
    '| measure | A | B | B − A (median of pairs) | B lower |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Longest task while loading, each visit (ms): A ${tasks[0]}; B ${tasks[1]}`,
    '',
  ].join('\n')
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
