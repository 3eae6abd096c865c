// Studio's web UI measured in Chromium on the UI dataset (ui-spec.md F.8): each reading is taken with the
// page's own clock (performance.now(), whose zero is the navigation's start) or Chromium's counters.

import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { heapMb, longTasksSince, paintedAt, PROBE_SCRIPT, taskSeconds, type UiBrowser } from './browser.js'

export interface StudioUiReadings {
  /** U1: app JS start → first sidebar row painted; directory list answered; rows mounted. */
  sidebarFirstRowMs: number
  /** The same first row from navigation start, as OpenCode's app is read (bench/ui/opencode-ui-home.ts). */
  sidebarFirstRowNavMs: number
  sidebarListMs: number
  sidebarRows: number
  /** U2: navigation start → the newest message of the long session painted. */
  openColdMs: number
  openWarmMs: number
  firstPageBytes: number
  /** For the side-by-side columns: heap and whole-document elements right after the warm open. */
  heapAfterOpenMb: number
  documentNodes: number
  /** U3: switching back to an open session. */
  switchMs: number
  /** U4: streaming into the open long session. */
  streamFrameP95Ms: number
  streamLongTasks: number
  streamLongestTaskMs: number
  /** U5 (short form): heap after opening 10 sessions and the stream. */
  heapMb: number
  /** U6: DOM nodes in the timeline (bottom, and after paging up), idle CPU share. */
  timelineNodes: number
  timelineNodesAfterScroll: number
  idleCpuPercent: number
  /** U11: JS the chat route loads, gzipped; navigation start → composer usable. */
  chatJsGzipKb: number
  interactiveMs: number
}

export interface StudioUiInput {
  url: string
  distDir: string
  longSession: { id: string; marker: string }
  /** Another root of the same directory (the switch target) and more sessions to open for the heap reading. */
  otherSession: { id: string; title: string }
  moreSessions: string[]
  /** Starts a reply that streams about 50 deltas a second into the long session; resolves when sent. */
  startStream(): Promise<void>
  streamSeconds: number
}

const SIDEBAR_ROW = "document.querySelector('nav.sidebar .row') !== null"
const TIMELINE = "document.querySelector('[data-testid=timeline]')"

export async function measureStudioUi(browser: UiBrowser, input: StudioUiInput): Promise<StudioUiReadings> {
  const context = await browser.context()
  await context.addInitScript(PROBE_SCRIPT)
  try {
    // U1 and U11 on a first visit to the home screen.
    const home = await context.newPage()
    await home.goto(`${input.url}/`)
    const firstRow = await paintedAt(home, SIDEBAR_ROW)
    const appJsStart = await home.evaluate(() => {
      const js = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js')) as PerformanceResourceTiming[]
      return js.length > 0 ? Math.min(...js.map((e) => e.responseEnd)) : 0
    })
    const sidebarList = await home.evaluate(() => {
      const lists = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.includes('/api/session?'))
      return lists.length > 0 ? Math.min(...lists.map((e) => e.responseEnd)) : Number.NaN
    })
    const sidebarRows = await home.evaluate(() => document.querySelectorAll('nav.sidebar .vrow').length)
    await home.close()

    // U2 cold (first open of the session in this browser) and U11's reading of the chat route.
    const cold = await context.newPage()
    await cold.goto(`${input.url}/session/${input.longSession.id}`)
    const openCold = await paintedAt(cold, `${TIMELINE}?.textContent.includes(${JSON.stringify(input.longSession.marker)})`)
    const interactive = await paintedAt(cold, "document.querySelector('#composer-input') !== null && !document.querySelector('#composer-input').disabled")
    const { jsFiles, pageBytes } = await cold.evaluate(() => {
      const all = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
      const page = all.find((e) => /\/message\?/.test(e.name))
      return {
        jsFiles: all.filter((e) => new URL(e.name).pathname.endsWith('.js')).map((e) => new URL(e.name).pathname),
        pageBytes: page ? page.encodedBodySize || page.transferSize : Number.NaN,
      }
    })
    const chatJsGzip = jsFiles.reduce((n, path) => n + gzipSync(readFileSync(join(input.distDir, path))).length, 0)
    await cold.close()

    // U2 warm: the same screen again (assets cached, Studio warm).
    const page = await context.newPage()
    await page.goto(`${input.url}/session/${input.longSession.id}`)
    const openWarm = await paintedAt(page, `${TIMELINE}?.textContent.includes(${JSON.stringify(input.longSession.marker)})`)
    // attached only now: a DevTools session on the page while it loads slows the load itself
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable')
    const timelineNodes = await countTimelineNodes(page)
    await page.waitForTimeout(1000) // settle as OpenCode's app is given to (bench/ui/opencode-ui.ts)
    const heapAfterOpen = await heapMb(cdp)
    const documentNodes = await page.evaluate(() => document.querySelectorAll('*').length)

    // U3: to another session and back (the long one is loaded: no refetch of its history).
    await openByRoute(page, input.otherSession)
    const t0 = await page.evaluate(() => performance.now())
    await page.evaluate((id) => {
      history.pushState(history.state, '', `/session/${id}`)
      dispatchEvent(new PopStateEvent('popstate', { state: history.state }))
    }, input.longSession.id)
    const back = await paintedAt(page, `${TIMELINE}?.textContent.includes(${JSON.stringify(input.longSession.marker)})`)
    const switchMs = back - t0

    // U6: idle CPU over 5 s with the long session open.
    const busy0 = await taskSeconds(cdp)
    await page.waitForTimeout(5000)
    const idleCpu = ((await taskSeconds(cdp)) - busy0) / 5

    // U4: a reply streaming into the open long session.
    const since = await page.evaluate(() => performance.now())
    await page.evaluate(() => (window as unknown as { __uiProbe: { startFrames(): void } }).__uiProbe.startFrames())
    await input.startStream()
    await page.waitForTimeout(input.streamSeconds * 1000)
    const frames = await page.evaluate(() => (window as unknown as { __uiProbe: { stopFrames(): number[] } }).__uiProbe.stopFrames())
    const long = await longTasksSince(page, since)

    // U6 again, after paging up through older messages.
    await page.evaluate(async (sel) => {
      const el = document.querySelector(sel) as HTMLElement
      for (let i = 0; i < 20; i++) {
        el.scrollTop = 0
        await new Promise((r) => setTimeout(r, 150))
      }
    }, '[data-testid=timeline]')
    const timelineNodesAfterScroll = await countTimelineNodes(page)

    // U5 (short form): ten more sessions opened in the same tab.
    for (const id of input.moreSessions) {
      await page.evaluate((sid) => {
        history.pushState(history.state, '', `/session/${sid}`)
        dispatchEvent(new PopStateEvent('popstate', { state: history.state }))
      }, id)
      await paintedAt(page, `document.querySelector('[data-testid=session-title]')?.textContent !== 'Loading…'`)
    }
    const heap = await heapMb(cdp)

    return {
      sidebarFirstRowMs: firstRow - appJsStart,
      sidebarFirstRowNavMs: firstRow,
      sidebarListMs: sidebarList,
      sidebarRows,
      openColdMs: openCold,
      openWarmMs: openWarm,
      firstPageBytes: pageBytes,
      heapAfterOpenMb: heapAfterOpen,
      documentNodes,
      switchMs,
      streamFrameP95Ms: p95(intervals(frames)),
      streamLongTasks: long.count,
      streamLongestTaskMs: long.longestMs,
      heapMb: heap,
      timelineNodes,
      timelineNodesAfterScroll,
      idleCpuPercent: idleCpu * 100,
      chatJsGzipKb: chatJsGzip / 1024,
      interactiveMs: interactive,
    }
  } finally {
    await context.close()
  }
}

async function openByRoute(page: Page, session: { id: string; title: string }): Promise<void> {
  await page.evaluate((id) => {
    history.pushState(history.state, '', `/session/${id}`)
    dispatchEvent(new PopStateEvent('popstate', { state: history.state }))
  }, session.id)
  await paintedAt(page, `document.querySelector('[data-testid=session-title]')?.textContent === ${JSON.stringify(session.title)}`)
}

function countTimelineNodes(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelector('[data-testid=timeline]')?.querySelectorAll('*').length ?? 0)
}

function intervals(frames: number[]): number[] {
  return frames.slice(1).map((t, i) => t - frames[i]!)
}

function p95(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!
}
