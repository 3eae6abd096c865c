// Studio's web UI measured in Chromium on the UI dataset (ui-spec.md F.8): each reading is taken with the
// page's own clock (performance.now(), whose zero is the navigation's start) or Chromium's counters.

import type { Page } from 'playwright-core'
import { heapMb, longTasksSince, navigateWatching, paintedAt, PROBE_SCRIPT, routeTo, taskSeconds, type UiBrowser } from './browser.js'
import { LONG_PAINTED, measureLoads, type LoadInput, type LoadReadings } from './studio-load.js'

/** What one open long session shows: its memory, switching, streaming, DOM size and idle CPU. */
export interface SessionReadings {
  /** For the side-by-side columns: heap and whole-document elements right after the warm open. */
  heapAfterOpenMb: number
  documentNodes: number
  /** U3: switching back to an open session. */
  switchMs: number
  /** U4: streaming into the open long session. */
  streamFrameP95Ms: number
  streamLongTasks: number
  streamLongestTaskMs: number
  /** When the longest of them started, ms after the window opened (just before the prompt); NaN if none. */
  streamLongestTaskAtMs: number
  /** U5 (short form): heap after opening 10 sessions and the stream. */
  heapMb: number
  /** U6: DOM nodes in the timeline (bottom, and after paging up), idle CPU share. */
  timelineNodes: number
  timelineNodesAfterScroll: number
  idleCpuPercent: number
  /** The same with the composer focused: Chromium then repaints the blinking caret twice a second. */
  idleCpuFocusedPercent: number
}

export type StudioUiReadings = LoadReadings & SessionReadings

export interface StudioUiInput {
  url: string
  distDir: string
  longSession: { id: string; marker: string }
  /** Another root of the same directory (the switch target) and more sessions to open for the heap reading. */
  otherSession: { id: string; title: string }
  moreSessions: string[]
  /** Starts a reply that streams about 50 deltas a second into the long session; resolves at its first delta. */
  startStream(): Promise<void>
  streamSeconds: number
  /** How many first visits U1, U2 and U11 are the medians of. */
  loadRuns: number
  serverPids?: LoadInput['serverPids']
}

/** Switches measured (U3): the median is reported, and how many missed the goal. */
export const SWITCHES = 11

export async function measureStudioUi(browser: UiBrowser, input: StudioUiInput): Promise<StudioUiReadings> {
  const loads = await measureLoads(browser, input, input.loadRuns)
  const context = await browser.context()
  await context.addInitScript(PROBE_SCRIPT)
  try {
    // The long session open in a page the rest is measured in (U2's own readings are the loads' above).
    const page = await context.newPage()
    await navigateWatching(page, `${input.url}/session/${input.longSession.id}`, { long: LONG_PAINTED(input.longSession.marker) })
    // attached only now: a DevTools session on the page while it loads slows the load itself
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable')
    const timelineNodes = await countTimelineNodes(page)
    await page.waitForTimeout(1000) // settle as OpenCode's app is given to (bench/ui/opencode-ui.ts)
    const heapAfterOpen = await heapMb(cdp)
    const documentNodes = await page.evaluate(() => document.querySelectorAll('*').length)

    // U3: to another session and back (the long one is loaded: no refetch of its history), a few times.
    const switches: number[] = []
    for (let i = 0; i < SWITCHES; i++) {
      await openByRoute(page, input.otherSession)
      const t0 = await page.evaluate(() => performance.now())
      await routeTo(page, `/session/${input.longSession.id}`)
      switches.push((await paintedAt(page, LONG_PAINTED(input.longSession.marker))) - t0)
    }
    const switchMs = switches.sort((a, b) => a - b)[Math.floor(SWITCHES / 2)]!
    loads.samples.switchMs = switches

    // U6: idle CPU over 5 s with the long session open: the app's own (nothing focused), then with the
    // composer focused, where Chromium repaints its blinking caret (not the app's doing, shown apart).
    const idleShare = async () => {
      const busy0 = await taskSeconds(cdp)
      await page.waitForTimeout(5000)
      return ((await taskSeconds(cdp)) - busy0) / 5
    }
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    const idleCpu = await idleShare()
    await page.focus('#composer-input')
    const idleCpuFocused = await idleShare()

    // U4: a reply streaming into the open long session.
    const since = await page.evaluate(() => performance.now())
    await input.startStream()
    // frames from the first delta on (OpenCode takes seconds to send the long history upstream before
    // it); long tasks from the prompt on
    await page.evaluate(() => (window as unknown as { __uiProbe: { startFrames(): void } }).__uiProbe.startFrames())
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
      await routeTo(page, `/session/${id}`)
      await paintedAt(page, `document.querySelector('[data-testid=session-title]')?.textContent !== 'Loading…'`)
    }
    const heap = await heapMb(cdp)

    return {
      ...loads,
      heapAfterOpenMb: heapAfterOpen,
      documentNodes,
      switchMs,
      streamFrameP95Ms: p95(intervals(frames)),
      streamLongTasks: long.count,
      streamLongestTaskMs: long.longestMs,
      streamLongestTaskAtMs: long.longestAtMs,
      heapMb: heap,
      timelineNodes,
      timelineNodesAfterScroll,
      idleCpuPercent: idleCpu * 100,
      idleCpuFocusedPercent: idleCpuFocused * 100,
    }
  } finally {
    await context.close()
  }
}

async function openByRoute(page: Page, session: { id: string; title: string }): Promise<void> {
  await routeTo(page, `/session/${session.id}`)
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
