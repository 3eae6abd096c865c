// `npm run bench -- ui`: Studio's web UI in Chromium on 10,000 sessions and a 2,000-message session
// (bench/ui-dataset.ts), against the targets of ui-spec.md F.8. The dataset is written into a real
// OpenCode database once and reused; OpenCode and Studio run on a copy of it, Studio attached to that
// OpenCode, which also serves OpenCode's own web app for the side-by-side rows.

import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startMockLlm } from '../../test/harness/mock-llm/server.js'
import { makePng } from '../../test/support/png.js'
import { startOpenCode } from '../../test/harness/opencode.js'
import { createScratch } from '../../test/harness/scratch.js'
import { startStudioChild, waitStudioReady } from '../../test/support/studio.js'
import type { Scenario } from '../context.js'
import { table } from '../results-file.js'
import { launchUiBrowser } from '../ui/browser.js'
import { dropReplies, streamReply } from '../ui/reply-stream.js'
import { measureOpenCodeUi, type OpenCodeUiReadings } from '../ui/opencode-ui.js'
import { measureAttach, type AttachReadings } from '../ui/studio-attach.js'
import { measureAttention, type AttentionReadings } from '../ui/studio-attention.js'
import { measureDeadStream, type DeadStreamReadings } from '../ui/studio-dead-stream.js'
import { measureStudioUi, SWITCHES, type StudioUiReadings } from '../ui/studio-ui.js'
import { waitForQuiet } from '../ui/settle.js'
import { ensureUiDataDir, installUiDataDir } from '../ui-data-dir.js'
import { newestReplyMarker } from '../ui-dataset.js'

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url))
/** How long a reply streams into the long session (U4, U5): 10 s by default, UI_STREAM_SECONDS=600 for U5's full run. */
const STREAM_SECONDS = Number(process.env.UI_STREAM_SECONDS ?? 10)
/** The mock waits this long before each chunk: 50 deltas a second (F.8 U4). */
const DELTA_MS = 20
/**
 * First visits U1, U2 and U11 are the medians of (UI_RUNS, 25 by default): one visit on a 2-core machine
 * varies by ±30 %, and several goals sit within that of their readings, so the table also says how many
 * visits missed each goal (five visits could not tell a goal met most of the time from one met by chance).
 */
const LOAD_RUNS = Number(process.env.UI_RUNS ?? 25)
/** What the streamed reply's text contains: the mock echoes the prompt. */
const STREAM_REPLY = 'ECHO: stream a long answer'

interface Goal {
  id: string
  what: string
  value(r: StudioUiReadings & AttentionReadings & AttachReadings & DeadStreamReadings): number
  unit: string
  /** Met when the reading is at most this. */
  max: number
  /** For a median: the key its samples are kept under (StudioUiReadings.samples). */
  samples?: string
  /** The verdict is on the highest reading of the range, not on the median (a goal of "none in any visit"). */
  everyRun?: boolean
}

const GOALS: Goal[] = [
  { id: 'U1', what: 'sidebar: app JS → first row painted', value: (r) => r.sidebarFirstRowMs, unit: 'ms', max: 150, samples: 'sidebarFirstRowMs' },
  { id: 'U1', what: 'sidebar: authoritative directory list answered (from navigation start)', value: (r) => r.sidebarListMs, unit: 'ms', max: 400, samples: 'sidebarListMs' },
  { id: 'U1', what: 'sidebar: rows mounted', value: (r) => r.sidebarRows, unit: 'rows', max: 80 },
  { id: 'U2', what: 'open the 2,000-message session, newest message painted (cold)', value: (r) => r.openColdMs, unit: 'ms', max: 800, samples: 'openColdMs' },
  { id: 'U2', what: 'the same, warm (second visit: assets in the HTTP cache)', value: (r) => r.openWarmMs, unit: 'ms', max: 300, samples: 'openWarmMs' },
  { id: 'U2', what: 'the same, third visit (warm again: no V8 code cache, bench/ui/studio-load.ts)', value: (r) => r.openHotMs, unit: 'ms', max: 300, samples: 'openHotMs' },
  { id: 'U2', what: 'bytes of the first message page', value: (r) => r.firstPageBytes / 1024, unit: 'KB', max: 300 },
  { id: 'U3', what: 'switch back to an open session', value: (r) => r.switchMs, unit: 'ms', max: 100, samples: 'switchMs' },
  // F.8 says p95 frame ≤ 16.7 ms, i.e. no frame missed at 60 Hz; intervals between animation-frame callbacks
  // jitter around the 16.7 ms period, so one period means ≤ 17.5 ms here (a missed frame reads 33 ms)
  { id: 'U4', what: `streaming ${1000 / DELTA_MS} deltas/s: frame interval p95 (one 60 Hz period, with callback jitter)`, value: (r) => r.streamFrameP95Ms, unit: 'ms', max: 17.5 },
  { id: 'U4', what: 'streaming: long tasks (> 50 ms)', value: (r) => r.streamLongTasks, unit: 'tasks', max: 0 },
  { id: 'U5', what: `JS heap after a ${STREAM_SECONDS} s streamed reply and 11 sessions opened${STREAM_SECONDS < 600 ? ' (short form)' : ''}`, value: (r) => r.heapMb, unit: 'MB', max: 150 },
  { id: 'U6', what: 'timeline DOM nodes at the bottom', value: (r) => r.timelineNodes, unit: 'nodes', max: 10_000 },
  { id: 'U6', what: 'timeline DOM nodes after paging up', value: (r) => r.timelineNodesAfterScroll, unit: 'nodes', max: 10_000 },
  { id: 'U6', what: 'CPU while idle with the session open (nothing focused: the app\'s own)', value: (r) => r.idleCpuPercent, unit: '%', max: 1 },
  { id: 'U7', what: 'OpenCode killed mid-reply and back: busy state cleared after it is ready', value: (r) => r.busyClearedMs, unit: 'ms', max: 2000 },
  { id: 'U7', what: 'sessions still shown busy 10 s after OpenCode is back', value: (r) => r.stuckBusy, unit: 'sessions', max: 0 },
  { id: 'U7', what: 'dead stream (Studio stopped, connection kept open): detected by the page', value: (r) => r.deadStreamDetectedMs / 1000, unit: 's', max: 35 },
  { id: 'U7', what: 'the same, Studio running again: what happened meanwhile shown', value: (r) => r.deadStreamRepairedMs, unit: 'ms', max: 2000 },
  { id: 'U8', what: 'permission card painted after `permission.asked` arrived', value: (r) => r.permissionShownMs, unit: 'ms', max: 500 },
  { id: 'U8', what: 'permission card painted after a reload (from navigation start)', value: (r) => r.permissionAfterReloadMs, unit: 'ms', max: 1000 },
  { id: 'U10', what: 'attaching a 48 MB image: long tasks (> 50 ms) while it uploads', value: (r) => r.attachLongTasks, unit: 'tasks', max: 0 },
  { id: 'U10', what: 'the same: JS heap growth', value: (r) => r.attachHeapGrowthMb, unit: 'MB', max: 60 },
  { id: 'U10', what: 'the same: uploads shown without a progress bar', value: (r) => 1 - r.attachProgressShown, unit: '', max: 0 },
  { id: 'U10', what: 'the same: prompts carrying its bytes instead of a `serverPath` part', value: (r) => 1 - r.attachSentAsServerPath, unit: '', max: 0 },
  { id: 'U11', what: 'JS of the chat route, gzipped', value: (r) => r.chatJsGzipKb, unit: 'KB', max: 250 },
  { id: 'F.8', what: 'longest main-thread task while the home screen or the long session loads (verdict on the highest of the visits)', value: (r) => r.loadLongestTaskMs, unit: 'ms', max: 50, samples: 'loadLongestTaskMs', everyRun: true },
  { id: 'U11', what: 'cold load to interactive (composer usable)', value: (r) => r.interactiveMs, unit: 'ms', max: 1000, samples: 'interactiveMs' },
]

export const ui: Scenario = {
  name: 'ui',
  async run(ctx) {
    const data = await ensureUiDataDir((line) => process.stderr.write(`${line}\n`))
    const mock = await startMockLlm()
    const scratch = createScratch({ llmBaseUrl: mock.baseUrl, prefix: 'ocs-ui-bench-' })
    installUiDataDir(data, scratch)
    const dir = data.longSession.directory
    // bash asks first, so a permission request can be measured (U8); no auto-compaction: the mock counts the
    // long session's 10 MB of history as a context overflow, and compacting after the first reply into it
    // would leave Studio's stream and OpenCode's app's (the second) different work
    const config = JSON.parse(readFileSync(scratch.configFile, 'utf8'))
    writeFileSync(scratch.configFile, JSON.stringify({ ...config, permission: { ...config.permission, bash: 'ask' }, compaction: { auto: false } }, null, 2))
    let oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, scratch, cwd: dir })
    const studio = await startStudioChild({
      env: scratch.env,
      args: ['--opencode-port', String(oc.port), '--opencode-data-dir', scratch.dataDir, '--data-dir', `${scratch.root}/studio-data`, '--log-level', 'warn'],
    })
    await waitStudioReady(studio.url)
    const settled = await waitForQuiet([oc.pid, studio.pid])
    const browser = await launchUiBrowser()
    const marker = newestReplyMarker(data)
    /** Prompt → first delta of each streamed reply (ms): its long tasks count, its frames do not. */
    const firstDelta = { studio: Number.NaN, opencode: Number.NaN }
    const long = () => ({ opencode: oc.url, sessionId: data.longSession.id, directory: dir })
    try {
      const q = `directory=${encodeURIComponent(dir)}`
      const roots = (await (await fetch(`${studio.url}/api/session?${q}&roots=true&limit=15&fields=compact`)).json()) as { id: string; title: string }[]
      const others = roots.filter((s) => s.id !== data.longSession.id)
      const readings = await measureStudioUi(browser, {
        url: studio.url,
        distDir: DIST,
        longSession: { id: data.longSession.id, marker },
        otherSession: others[0]!,
        moreSessions: others.slice(1, 11).map((s) => s.id),
        streamSeconds: STREAM_SECONDS,
        loadRuns: LOAD_RUNS,
        serverPids: { opencode: oc.pid, studio: studio.pid },
        async startStream() {
          await waitStudioReady(studio.url)
          firstDelta.studio = await streamReply(`${studio.url}/api`, long(), STREAM_SECONDS, DELTA_MS)
        },
      })
      const api = (path: string, init?: RequestInit) => fetch(`${studio.url}${path}`, { ...init, headers: { 'content-type': 'application/json' } })
      const attention = await measureAttention(browser, {
        url: studio.url,
        session: { id: others[11]!.id, directory: dir },
        async prompt(id, text) {
          const res = await api(`/api/session/${id}/prompt_async?${q}`, { method: 'POST', body: JSON.stringify({ parts: [{ type: 'text', text }] }) })
          if (res.status !== 204) throw new Error(`prompt_async answered ${res.status}`)
        },
        async rejectPending() {
          const pending = (await (await api('/api/attention')).json()) as Array<{ kind: string; directory: string; request: { id: string } }>
          for (const p of pending.filter((x) => x.kind === 'permission'))
            await api(`/api/permission/${p.request.id}/reply?directory=${encodeURIComponent(p.directory)}`, { method: 'POST', body: '{"reply":"reject"}' })
        },
        async restartOpenCode() {
          process.kill(oc.pid, 'SIGKILL')
          await oc.stop()
          oc = await startOpenCode({ llmBaseUrl: mock.baseUrl, scratch, cwd: dir, port: oc.port })
          await waitStudioReady(studio.url, { timeoutMs: 60_000 })
        },
      })
      const deadStream = await measureDeadStream(browser, {
        url: studio.url,
        studioPid: studio.pid,
        session: { id: others[13]!.id },
        async promptOpenCode(id, text) {
          const res = await fetch(`${oc.url}/session/${id}/prompt_async?${q}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parts: [{ type: 'text', text }] }) })
          if (res.status !== 204) throw new Error(`prompt_async answered ${res.status}`)
        },
      })
      // OpenCode's app opens the long session as Studio's UI did: without Studio's streamed reply
      await dropReplies(long(), new Set(data.longSession.messageIds))
      const theirs = await measureOpenCodeUi(browser, {
        url: oc.url,
        directory: dir,
        longSession: { id: data.longSession.id, marker },
        otherSession: others[0]!,
        streamSeconds: STREAM_SECONDS,
        replyText: STREAM_REPLY,
        // the same reply into the same session as Studio's, straight to OpenCode
        startStream: async () => {
          firstDelta.opencode = await streamReply(oc.url, long(), STREAM_SECONDS, DELTA_MS)
        },
      })
      // last: OpenCode goes on digesting the 50 MB image after the prompt is sent
      const image = join(scratch.root, 'big.png')
      writeFileSync(image, makePng(4000, 4000))
      const attach = await measureAttach(browser, { url: studio.url, sessionId: others[12]!.id, file: image })
      const all = { ...readings, ...attention, ...attach, ...deadStream }
      const rows = GOALS.map((g) => {
        const median = g.value(all)
        const samples = g.samples ? all.samples[g.samples] : undefined
        const range = samples ? ([samples[0]!, samples[samples.length - 1]!] as const) : undefined
        const shown = range ? `${format(median)} ${g.unit} (${format(range[0])}–${format(range[1])})` : `${format(median)} ${g.unit}`
        const over = samples ? `${samples.filter((x) => x > g.max).length} of ${samples.length}` : ''
        const v = g.everyRun && range ? range[1] : median
        return [g.id, g.what, shown, `≤ ${g.max} ${g.unit}`, over, Number.isFinite(v) ? (v <= g.max ? 'met' : '**not met**') : 'not measured']
      })
      return [
        '## UI (`npm run bench -- ui`)',
        '',
        `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${ctx.machine} · Chromium ${browser.version} (Debian) headless, its WebUI omnibox popup off (bench/ui/browser.ts) · medians of ${LOAD_RUNS} first visits for U1, U2 and U11 and of ${SWITCHES} switches for U3 (lowest–highest in brackets; the verdict is on the median, or on the highest where the goal says every visit, and how many visits or switches missed the goal is beside it), one run for the rest · the reply streamed for ${STREAM_SECONDS} s; ` +
          `frames are watched for ${STREAM_SECONDS} s from the reply's first delta, long tasks from the prompt on; the first delta came ` +
          `${format(firstDelta.studio / 1000)} s after the prompt in Studio's run and ${format(firstDelta.opencode / 1000)} s in OpenCode's app's` +
          (readings.streamLongTasks > 0 ? `; Studio's longest task while streaming (${format(readings.streamLongestTaskMs)} ms) began ${format(readings.streamLongestTaskAtMs / 1000)} s after the prompt` : ''),
        '',
        `Measured once OpenCode and Studio were quiet after their start (under 10 % of a core together over 2 s: ${settled.quiet ? `after ${format(settled.waitedMs / 1000)} s` : `not within ${format(settled.waitedMs / 1000)} s, measured anyway`}); ` +
          `quiet is not warm: in the first minutes after its start, the same page load costs OpenCode several times the CPU it does later, so the first visits share the machine with more of its work (what OpenCode and Studio used during the cold visits is under the table). ` +
          `F.8 sets its targets for Chromium on 4 cores; this machine has ${cpus().length}, shared by the browser's processes, OpenCode and Studio.`,
        '',
        `Dataset: ${data.sessionIds.length.toLocaleString('en')} sessions in ${data.directories.length} directories, one session of ` +
          `${data.longSession.messageIds.length.toLocaleString('en')} messages (bench/ui-dataset.ts), read by Studio from a copy of OpenCode's database.`,
        '',
        table(['target', 'measure', 'Studio', 'goal', 'visits over the goal', 'verdict'], rows),
        '',
        "U1's \"app JS\" is the first line of the vendor chunk (Vue and the virtualizer), the first of the app's chunks to run, once it has downloaded and V8 has pre-parsed it (its functions compile as they first run: web/vite.config.ts); " +
          "the entry before it is a few lines that only ask for the chunks (web/src/main.ts). The row's time from navigation start is in the second table.",
        '',
        `While the long session's cold visit loaded (navigation → 500 ms after its newest message painted), OpenCode used ${format(readings.coldOpencodeCpuMs)} ms of CPU and Studio ${format(readings.coldStudioCpuMs)} ms ` +
          '(medians, from /proc): the browser shares the machine with both, so their work during a load is the page\'s loss.',
        '',
        `U6 with the composer focused instead: ${format(readings.idleCpuFocusedPercent)} % CPU while idle. That is Chromium repainting the blinking caret twice a second, not the app: it has no timer under 1 s and asks for no animation frame while idle.`,
        '',
        `OpenCode's own web app, served by the same OpenCode (${oc.url.replace(/:\d+$/, ':<port>')}/<dir>/session/<id>), in the same browser and run:`,
        '',
        table(['measure', 'Studio', "OpenCode's web app", 'OpenCode ÷ Studio', 'goal', 'verdict'], sideBySide(readings, theirs)),
        '',
        "OpenCode's app has no session sidebar: its home screen lists the recent sessions (64 at most) of the projects the user " +
          'has added, after fetching all sessions of the server; its row is read with the long session\'s directory added as a ' +
          "project, on a first visit like Studio's. Both apps switch through their router (history.pushState + popstate). " +
          `Studio's open, list and switch readings here are the medians of the first table; OpenCode's app's are one run each.`,
      ].join('\n')
    } finally {
      await browser.close()
      await studio.stop()
      await oc.stop()
      await mock.close()
      scratch.remove()
    }
  },
}

function format(v: number): string {
  if (!Number.isFinite(v)) return 'n/a'
  return v >= 100 ? v.toFixed(0) : v.toFixed(1)
}

/** Studio against OpenCode's web app: how many times slower or bigger OpenCode's reading is. */
function sideBySide(ours: StudioUiReadings, theirs: OpenCodeUiReadings): string[][] {
  const row = (what: string, a: number, b: number, unit: string, goal: number | null): string[] => {
    const ratio = b / a
    // no ratio to a zero (no long task at all) or to a reading that failed
    const times = Number.isFinite(ratio) ? `×${ratio.toFixed(1)}` : '—'
    return [what, `${format(a)} ${unit}`, `${format(b)} ${unit}`, times, goal === null ? '' : `≥ ×${goal}`, goal === null ? '' : ratio >= goal ? 'met' : '**not met**']
  }
  return [
    row('open the 2,000-message session, newest message painted (cold)', ours.openColdMs, theirs.openColdMs, 'ms', 3),
    row('the same, warm', ours.openWarmMs, theirs.openWarmMs, 'ms', 3),
    row('JS heap after opening it', ours.heapAfterOpenMb, theirs.heapMb, 'MB', 3),
    row('elements in the document after opening it', ours.documentNodes, theirs.documentNodes, '', null),
    row('session list at 10,000 sessions: navigation start → first session row painted', ours.sidebarFirstRowNavMs, theirs.homeFirstRowMs, 'ms', null),
    row('switch back to the open long session, newest message painted', ours.switchMs, theirs.switchMs, 'ms', null),
    row(`streaming ${1000 / DELTA_MS} deltas/s into it: frame interval p95`, ours.streamFrameP95Ms, theirs.streamFrameP95Ms, 'ms', null),
    row('the same: long tasks (> 50 ms)', ours.streamLongTasks, theirs.streamLongTasks, 'tasks', null),
    row('the same: longest task', ours.streamLongestTaskMs, theirs.streamLongestTaskMs, 'ms', null),
  ]
}
