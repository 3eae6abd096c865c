// OpenCode's own web app (served at `/` of `opencode serve`), measured on the same dataset and browser as
// Studio's UI for the side-by-side columns: opening the long session by its URL (`/<base64url dir>/
// session/<id>`, as the app links it), cold and warm, its JS heap, and the DOM it builds. The app's markup
// is not ours, so readings use what any page has: the text of the newest message, the whole document.

import type { Page } from 'playwright-core'
import { heapMb, paintedAt, type UiBrowser } from './browser.js'

export interface OpenCodeUiReadings {
  openColdMs: number
  openWarmMs: number
  /** JS heap after the warm open, after a full GC. */
  heapMb: number
  /** Elements in the whole document after the warm open. */
  documentNodes: number
}

export interface OpenCodeUiInput {
  url: string
  directory: string
  longSession: { id: string; marker: string }
  /** OpenCode's app renders for seconds: how long to wait for the newest message. */
  timeoutMs?: number
}

export async function measureOpenCodeUi(browser: UiBrowser, input: OpenCodeUiInput): Promise<OpenCodeUiReadings> {
  const context = await browser.context()
  const path = `/${Buffer.from(input.directory).toString('base64url')}/session/${input.longSession.id}`
  const painted = (page: Page) => paintedAt(page, `document.body.innerText.includes(${JSON.stringify(input.longSession.marker)})`, input.timeoutMs ?? 120_000)
  try {
    const cold = await context.newPage()
    await cold.goto(`${input.url}${path}`)
    const openColdMs = await painted(cold)
    await cold.close()

    const page = await context.newPage()
    await page.goto(`${input.url}${path}`)
    const openWarmMs = await painted(page)
    const cdp = await context.newCDPSession(page) // after the load, as for Studio's page
    await page.waitForTimeout(1000) // let the app settle before reading its memory
    const heap = await heapMb(cdp)
    const documentNodes = await page.evaluate(() => document.querySelectorAll('*').length)
    return { openColdMs, openWarmMs, heapMb: heap, documentNodes }
  } finally {
    await context.close()
  }
}
