// The first-visit readings of Studio's UI (ui-spec.md F.8 U1, U2, U11), each taken `runs` times in fresh
// browser contexts (empty cache and storage) and reported as medians with their range: one page load on
// a 2-core machine shared with OpenCode and Studio varies by ±30 %.

import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { cpuNs } from '../../test/harness/proc.js'
import { longTasksSince, navigateWatching, PROBE_SCRIPT, type UiBrowser } from './browser.js'

export interface LoadReadings {
  /** U1: the app's JS starts running → first sidebar row painted. */
  sidebarFirstRowMs: number
  /** U1: the same from navigation start (for the side-by-side with OpenCode's app). */
  sidebarFirstRowNavMs: number
  /** U1: navigation start → the first directory's authoritative list in the page. */
  sidebarListMs: number
  sidebarRows: number
  /** U2: navigation start → the newest message of the long session painted, cold and warm. */
  openColdMs: number
  openWarmMs: number
  /** U2 once more: a third visit, another warm one (this Chromium keeps no code cache for the app: see measureOnce). */
  openHotMs: number
  firstPageBytes: number
  /** U11: JS the chat route loads, gzipped; navigation start → composer usable. */
  chatJsGzipKb: number
  interactiveMs: number
  /** The longest main-thread task while the home screen and the long session load (F.8: none over 50 ms). */
  loadLongestTaskMs: number
  /** CPU the servers used while the long session's cold visit loaded (navigation → 500 ms after painted); NaN without their pids. */
  coldOpencodeCpuMs: number
  coldStudioCpuMs: number
  /** Every reading a median was taken of, lowest first (and of other medians: U3's switches): its range, and how many missed a goal. */
  samples: Partial<Record<string, number[]>>
  runs: number
}

export interface LoadInput {
  url: string
  distDir: string
  longSession: { id: string; marker: string }
  /** OpenCode's and Studio's processes, for the CPU they use while a page loads (they share the machine). */
  serverPids?: { opencode: number; studio: number }
}

const SIDEBAR_ROW = "document.querySelector('nav.sidebar .row') !== null"
export const LONG_PAINTED = (marker: string) => `document.querySelector('[data-testid=timeline]')?.textContent.includes(${JSON.stringify(marker)})`
const INTERACTIVE = "document.querySelector('#composer-input') !== null && !document.querySelector('#composer-input').disabled"

/** Where an answer came from: embedded in index.html (then it arrived with the page) or fetched. An
 * embedded answer is a JSON value (`data`); before 85a4f64 it was JSON text (`body`), still read for A/B runs. */
const ANSWER_TIMING = `(prefix) => {
  const boot = document.getElementById('studio-boot')
  const embedded = boot ? Object.entries(JSON.parse(boot.textContent)).filter(([p]) => p.startsWith(prefix)) : []
  if (embedded.length > 0) return { at: performance.getEntriesByType('navigation')[0].responseEnd, bytes: 'data' in embedded[0][1] ? JSON.stringify(embedded[0][1].data).length : embedded[0][1].body.length }
  const fetched = performance.getEntriesByType('resource').filter((e) => { const u = new URL(e.name); return (u.pathname + u.search).startsWith(prefix) })
  return fetched.length > 0 ? { at: Math.min(...fetched.map((e) => e.responseEnd)), bytes: fetched[0].encodedBodySize || fetched[0].transferSize } : { at: NaN, bytes: NaN }
}`

export async function measureLoads(browser: UiBrowser, input: LoadInput, runs: number): Promise<LoadReadings> {
  const visits: Array<Omit<LoadReadings, 'samples' | 'runs'>> = []
  for (let i = 0; i < runs; i++) visits.push(await measureOnce(browser, input))
  const out = { samples: {}, runs } as LoadReadings
  for (const key of Object.keys(visits[0]!) as Array<keyof Omit<LoadReadings, 'samples' | 'runs'>>) {
    const values = visits.map((s) => s[key]).sort((a, b) => a - b)
    out[key] = values[Math.floor(values.length / 2)]!
    out.samples[key] = values
  }
  return out
}

async function measureOnce(browser: UiBrowser, input: LoadInput): Promise<Omit<LoadReadings, 'samples' | 'runs'>> {
  const context = await browser.context()
  await context.addInitScript(PROBE_SCRIPT)
  try {
    // U1 on a first visit to the home screen
    const home = await context.newPage()
    const { row: firstRow } = await navigateWatching(home, `${input.url}/`, { row: SIDEBAR_ROW })
    const jsStart = (await home.evaluate(`(performance.getEntriesByName('studio:js-start')[0] || { startTime: NaN }).startTime`)) as number
    const list = (await home.evaluate(`(${ANSWER_TIMING})('/api/session?')`)) as { at: number }
    const sidebarRows = await home.evaluate(() => document.querySelectorAll('nav.sidebar .vrow').length)
    await home.waitForTimeout(500) // what the first screen still does right after its first row
    const homeTasks = await longTasksSince(home, 0)
    await home.close()

    // U2 cold (first open of the session in this browser), U11 on the chat route
    const cold = await context.newPage()
    const servers = serverCpuMs(input)
    const coldSeen = await navigateWatching(cold, `${input.url}/session/${input.longSession.id}`, { long: LONG_PAINTED(input.longSession.marker), interactive: INTERACTIVE })
    const openCold = coldSeen.long
    const interactive = coldSeen.interactive
    const page = (await cold.evaluate(`(${ANSWER_TIMING})('/api/session/${input.longSession.id}/message?')`)) as { bytes: number }
    await cold.waitForTimeout(500) // what the screen still does right after (its lazy chunks load then)
    const serversUsed = serverCpuMs(input)
    const jsGzip = await chatJsGzip(cold, input.distDir)
    const coldTasks = await longTasksSince(cold, 0)
    await cold.close()

    // U2 warm: the same screen again (assets cached, Studio warm)
    const warm = await context.newPage()
    const { long: openWarm } = await navigateWatching(warm, `${input.url}/session/${input.longSession.id}`, { long: LONG_PAINTED(input.longSession.marker) })
    await warm.close()

    // and a third time. Not a visit with V8's code cache: Playwright's contexts are off the record, where
    // Chromium keeps none, and even in a profile Chromium 156 streams the app's module scripts through its
    // background fetch path without one (seen in traces: no `consumedCacheSize` on their v8.compileModule
    // unless BackgroundResourceFetch is off). So a second warm reading, as a person's third visit would be.
    const hot = await context.newPage()
    const { long: openHot } = await navigateWatching(hot, `${input.url}/session/${input.longSession.id}`, { long: LONG_PAINTED(input.longSession.marker) })
    await hot.close()

    return {
      sidebarFirstRowMs: firstRow - jsStart,
      sidebarFirstRowNavMs: firstRow,
      sidebarListMs: list.at,
      sidebarRows,
      openColdMs: openCold,
      openWarmMs: openWarm,
      openHotMs: openHot,
      firstPageBytes: page.bytes,
      chatJsGzipKb: jsGzip / 1024,
      interactiveMs: interactive,
      loadLongestTaskMs: Math.max(homeTasks.longestMs, coldTasks.longestMs),
      coldOpencodeCpuMs: serversUsed.opencode - servers.opencode,
      coldStudioCpuMs: serversUsed.studio - servers.studio,
    }
  } finally {
    await context.close()
  }
}

async function chatJsGzip(page: Page, distDir: string): Promise<number> {
  const files = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.js')),
  )
  return files.reduce((n, path) => n + gzipSync(readFileSync(join(distDir, path))).length, 0)
}

/** CPU time (ms) OpenCode and Studio have used so far: NaN when their pids were not given. */
function serverCpuMs(input: LoadInput): { opencode: number; studio: number } {
  if (!input.serverPids) return { opencode: Number.NaN, studio: Number.NaN }
  return { opencode: cpuNs(input.serverPids.opencode) / 1e6, studio: cpuNs(input.serverPids.studio) / 1e6 }
}
