// Debian's Chromium for the UI benchmark, driven by playwright-core (never a downloaded browser), and the
// readings taken from the browser's own clocks and counters: the Performance API inside the page, and
// the DevTools protocol for heap and CPU.

import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** The probe's flags: headless, and none of Chromium's own traffic (the machine has no network). */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export interface UiBrowser {
  /** A fresh context: empty HTTP cache and storage, as a first visit. */
  context(): Promise<BrowserContext>
  close(): Promise<void>
  /** Chromium's version, for the results' header. */
  version: string
}

export async function launchUiBrowser(): Promise<UiBrowser> {
  // --enable-precise-memory-info makes performance.memory exact instead of bucketed
  const args = [...ARGS, '--enable-precise-memory-info']
  const browser = await launchWithout(args, BROWSER_UI_FEATURES)
  return {
    version: browser.version(),
    context: () => browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' }),
    async close() {
      await browser.close().catch(() => undefined)
    },
  }
}

/**
 * Chromium's own UI that is not the page: its omnibox popup is a WebUI page (chrome://omnibox-popup) in a
 * renderer of its own, made with every new window. Each first visit here opens a new context, i.e. a new
 * window, and that renderer then loads its own app beside the page: 0.8 s of CPU per window (Chromium 156,
 * /proc), on a 2-core machine in the middle of the load being measured (it made first visits ~2× slower).
 * A person's tab opens in a window that has it already, so the benchmark turns it off.
 */
const BROWSER_UI_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'PreloadTopChromeWebUI']

/**
 * Launches with `features` disabled on top of Playwright's own list: Chromium reads only the last
 * --disable-features switch, so Playwright's (read from the browser it launched) is replaced by the union.
 */
async function launchWithout(args: string[], features: string[]): Promise<Browser> {
  // the browser tells its command line only to automation
  const probe = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...args, '--enable-automation'] })
  let defaults: string | undefined
  try {
    const cdp = await probe.newBrowserCDPSession()
    const { arguments: argv } = (await cdp.send('Browser.getBrowserCommandLine')) as { arguments: string[] }
    defaults = argv.find((a) => a.startsWith('--disable-features='))
  } finally {
    await probe.close()
  }
  const listed = defaults ? defaults.slice('--disable-features='.length).split(',') : []
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ignoreDefaultArgs: defaults ? [defaults] : [],
    args: [...args, `--disable-features=${[...listed, ...features].join(',')}`],
  })
}

/**
 * Installed before any page script: records long tasks and every animation frame, so a scenario can ask
 * for the frames and long tasks of a window of time afterwards.
 */
export const PROBE_SCRIPT = `(() => {
  const probe = { longTasks: [], frames: [], recording: false }
  window.__uiProbe = probe
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration })
    }).observe({ type: 'longtask', buffered: true })
  } catch {}
  const tick = (t) => {
    if (!probe.recording) return // no frames asked for while not recording: idle CPU stays the app's own
    probe.frames.push(t)
    requestAnimationFrame(tick)
  }
  probe.startFrames = () => { probe.frames = []; probe.recording = true; requestAnimationFrame(tick) }
  probe.stopFrames = () => { probe.recording = false; return probe.frames }
})()`

/** Goes to `path` through the app's own router, as a click on an in-app link would (pushState + popstate). */
export async function routeTo(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    history.pushState(history.state, '', p)
    dispatchEvent(new PopStateEvent('popstate', { state: history.state }))
  }, path)
}

/**
 * Navigates (or reloads, `url` null) and returns, on the page's clock, the animation frame in which each
 * predicate first held. The watch is installed before any page script and polls every frame from the
 * document's first, so a screen painted before the page's load event is timed when it was painted (a
 * watch started after `goto` would only see it once every resource, lazy chunks and workers included, had
 * loaded).
 */
export async function navigateWatching<K extends string>(page: Page, url: string | null, predicates: Record<K, string>, timeoutMs = 60_000): Promise<Record<K, number>> {
  const names = Object.keys(predicates) as K[]
  const token = `w${Math.random().toString(36).slice(2)}`
  const checks = names.map((n) => `[${JSON.stringify(n)}, () => { try { return Boolean(${predicates[n]}) } catch { return false } }]`).join(',\n')
  await page.addInitScript(`(() => {
    const checks = [${checks}]
    const seen = {}
    window.__watched = window.__watched || {}
    window.__watched[${JSON.stringify(token)}] = seen
    const step = () => {
      for (const [name, check] of checks) if (!(name in seen) && check()) seen[name] = performance.now()
      if (Object.keys(seen).length < checks.length && performance.now() < ${timeoutMs}) requestAnimationFrame(step)
    }
    requestAnimationFrame(step)
  })()`)
  if (url === null) await page.reload({ waitUntil: 'commit' })
  else await page.goto(url, { waitUntil: 'commit' })
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const seen = (await page.evaluate(`(window.__watched && window.__watched[${JSON.stringify(token)}]) || {}`).catch(() => ({}))) as Record<K, number>
    if (names.every((n) => n in seen)) return seen
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${names.filter((n) => !(n in seen)).join(', ')}`)
    await page.waitForTimeout(50)
  }
}

/** Waits (polling every animation frame) until `predicate` holds in the page; resolves with performance.now() then. */
export async function paintedAt(page: Page, predicate: string, timeoutMs = 60_000): Promise<number> {
  // A string, not a function: tsx's name helpers would not exist inside the page.
  return page.evaluate(`new Promise((resolve, reject) => {
    const started = performance.now()
    const step = () => {
      let ok = false
      try { ok = Boolean(${predicate}) } catch { ok = false }
      if (ok) return resolve(performance.now())
      if (performance.now() - started > ${timeoutMs}) return reject(new Error(${JSON.stringify(`timed out waiting for: ${predicate}`)}))
      requestAnimationFrame(step)
    }
    step()
  })`) as Promise<number>
}

/** JS heap in use after a full garbage collection, in MB. */
export async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
  return usedSize / 1e6
}

/** Main-thread busy time (TaskDuration, seconds) so far, from Chromium's own counters. */
export async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0
}

/** Long tasks that started at or after `since` (page time): how many, the longest, and when it started (ms after `since`; NaN if none). */
export async function longTasksSince(page: Page, since: number): Promise<{ count: number; longestMs: number; longestAtMs: number }> {
  return page.evaluate((t) => {
    const tasks = (window as unknown as { __uiProbe: { longTasks: { start: number; duration: number }[] } }).__uiProbe.longTasks.filter((x) => x.start >= t)
    const longest = tasks.reduce<{ start: number; duration: number } | null>((m, x) => (m && m.duration >= x.duration ? m : x), null)
    return { count: tasks.length, longestMs: longest?.duration ?? 0, longestAtMs: longest ? longest.start - t : Number.NaN }
  }, since)
}

/** p95 of the intervals between recorded animation frames (ms): 16.7 when no frame is missed at 60 Hz. */
export function frameIntervalP95(frames: number[]): number {
  const intervals = frames.slice(1).map((t, i) => t - frames[i]!)
  if (intervals.length === 0) return Number.NaN
  intervals.sort((a, b) => a - b)
  return intervals[Math.min(intervals.length - 1, Math.ceil(0.95 * intervals.length) - 1)]!
}
