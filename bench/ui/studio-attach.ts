// U10 of ui-spec.md F.8 in Studio's UI: attaching a ~50 MB image. The bytes stream from the file to
// /api/fs/upload (never read into JS), with progress shown; the prompt names the upload by `serverPath`.
// Readings: long tasks while it uploads, JS heap growth, upload time, and what the prompt carried.

import { performance } from 'node:perf_hooks'
import { heapMb, longTasksSince, paintedAt, PROBE_SCRIPT, type UiBrowser } from './browser.js'

export interface AttachReadings {
  attachLongTasks: number
  attachLongestTaskMs: number
  attachHeapGrowthMb: number
  attachSeconds: number
  /** 1 when a progress bar was shown during the upload. */
  attachProgressShown: number
  /** 1 when the prompt named the file by serverPath and carried no data: URL. */
  attachSentAsServerPath: number
}

export async function measureAttach(browser: UiBrowser, input: { url: string; sessionId: string; file: string }): Promise<AttachReadings> {
  const context = await browser.context()
  await context.addInitScript(PROBE_SCRIPT)
  try {
    const page = await context.newPage()
    await page.goto(`${input.url}/session/${input.sessionId}`)
    await page.locator('#composer-input').waitFor({ timeout: 60_000 })
    // what is measured is the attach: the page's start (the rest of its first requests, the event
    // stream, its first localStorage read) runs after the composer shows, so it is let finish first
    await page.waitForFunction(`window.__studio?.streamOpen?.value === true`, null, { timeout: 60_000 })
    await page.waitForTimeout(1000)
    const cdp = await context.newCDPSession(page)
    const heapBefore = await heapMb(cdp)
    const since = (await page.evaluate('performance.now()')) as number
    const started = performance.now()
    // on loopback the upload may end within a frame or two: note whether a progress bar was ever added
    await page.evaluate(`(() => {
      window.__sawProgress = false
      new MutationObserver(() => { if (document.querySelector('.att progress')) window.__sawProgress = true })
        .observe(document.body, { childList: true, subtree: true })
    })()`)
    await page.locator('[data-testid="file-input"]').setInputFiles(input.file)
    await paintedAt(page, `document.querySelector('.att[data-state="ready"]') !== null`, 300_000)
    const progress = (await page.evaluate('window.__sawProgress')) ? 1 : 0
    const attachSeconds = (performance.now() - started) / 1000
    const long = await longTasksSince(page, since)
    const heapAfter = await heapMb(cdp)

    const sent = page.waitForRequest((r) => r.method() === 'POST' && /\/prompt_async/.test(r.url()), { timeout: 30_000 })
    await page.locator('#composer-input').fill('look at this image')
    await page.locator('#composer-input').press('Enter')
    const body = (await sent).postData() ?? ''
    return {
      attachLongTasks: long.count,
      attachLongestTaskMs: long.longestMs,
      attachHeapGrowthMb: heapAfter - heapBefore,
      attachSeconds,
      attachProgressShown: progress,
      attachSentAsServerPath: body.includes('"serverPath"') && !body.includes('data:') ? 1 : 0,
    }
  } finally {
    await context.close()
  }
}
