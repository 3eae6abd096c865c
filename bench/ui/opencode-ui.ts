// OpenCode's own web app (served at `/` of `opencode serve`), measured on the same dataset and browser as
// Studio's UI for the side-by-side columns: its home list (bench/ui/opencode-ui-home.ts), opening the
// long session by its URL (`/<base64url dir>/session/<id>`, as the app links it), cold and warm, its JS
// heap and the DOM it builds, switching back to it, and frame time while a reply streams into it
// (bench/ui/opencode-ui-stream.ts). The app's markup is not ours, so readings use what any page has:
// the text of the newest message, the whole document.

import { heapMb, navigateWatching, paintedAt, PROBE_SCRIPT, routeTo, type UiBrowser } from './browser.js'
import { measureOpenCodeHome, type OpenCodeHomeReadings } from './opencode-ui-home.js'
import { measureOpenCodeStream, type OpenCodeStreamInput, type OpenCodeStreamReadings } from './opencode-ui-stream.js'

export interface OpenCodeUiReadings extends OpenCodeHomeReadings, OpenCodeStreamReadings {
  openColdMs: number
  openWarmMs: number
  /** JS heap after the warm open, after a full GC. */
  heapMb: number
  /** Elements in the whole document after the warm open. */
  documentNodes: number
  /** To another session of the directory and back: until the long session's newest message is painted again. */
  switchMs: number
}

export interface OpenCodeUiInput extends OpenCodeStreamInput {
  url: string
  directory: string
  longSession: { id: string; marker: string }
  /** A root session of the same directory: the one switched to and away from. */
  otherSession: { id: string }
  /** OpenCode's app renders for seconds: how long to wait for the newest message. */
  timeoutMs?: number
}

export async function measureOpenCodeUi(browser: UiBrowser, input: OpenCodeUiInput): Promise<OpenCodeUiReadings> {
  const timeoutMs = input.timeoutMs ?? 120_000
  const home = await measureOpenCodeHome(browser, { url: input.url, directory: input.directory, timeoutMs })

  const context = await browser.context()
  await context.addInitScript(PROBE_SCRIPT)
  const dir = Buffer.from(input.directory).toString('base64url')
  const marker = `document.body.innerText.includes(${JSON.stringify(input.longSession.marker)})`
  try {
    const cold = await context.newPage()
    const { long: openColdMs } = await navigateWatching(cold, `${input.url}/${dir}/session/${input.longSession.id}`, { long: marker }, timeoutMs)
    await cold.close()

    const page = await context.newPage()
    const { long: openWarmMs } = await navigateWatching(page, `${input.url}/${dir}/session/${input.longSession.id}`, { long: marker }, timeoutMs)
    const cdp = await context.newCDPSession(page) // after the load, as for Studio's page
    await page.waitForTimeout(1000) // let the app settle before reading its memory
    const heap = await heapMb(cdp)
    const documentNodes = await page.evaluate(() => document.querySelectorAll('*').length)

    // Switching: through the app's router, as Studio's bench does (the app reacts to popstate). The app
    // has rewritten the long session's address to its own form (`/server/<base64url origin>/session/<id>`);
    // going back uses that. Its tab would not do: the long session is a child, and tabs open the root.
    const longPath = new URL(page.url()).pathname
    await routeTo(page, `/${dir}/session/${input.otherSession.id}`)
    await paintedAt(page, `!${marker}`, timeoutMs)
    await page.waitForTimeout(500) // the other session has loaded its (empty) history: nothing pending on the way back
    const t0 = await page.evaluate(() => performance.now())
    await routeTo(page, longPath)
    const switchMs = (await paintedAt(page, marker, timeoutMs)) - t0

    const stream = await measureOpenCodeStream(page, input)
    return { ...home, openColdMs, openWarmMs, heapMb: heap, documentNodes, switchMs, ...stream }
  } finally {
    await context.close()
  }
}
