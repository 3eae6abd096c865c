// U7 and U8 of ui-spec.md F.8, in Studio's UI: a permission request shows as soon as its event arrives
// and again after a reload; after OpenCode is killed mid-reply and comes back, no session is left
// showing as busy, and how long the UI took to say so.

import type { Page } from 'playwright-core'
import { navigateWatching, paintedAt, type UiBrowser } from './browser.js'

export interface AttentionReadings {
  /** U8: `permission.asked` arrived on the page's stream → its card painted. */
  permissionShownMs: number
  /** U8: after a reload, the card painted (from navigation start); NaN when it never showed. */
  permissionAfterReloadMs: number
  /** U7: OpenCode back (Studio ready again) → the interrupted session no longer shown busy. */
  busyClearedMs: number
  /** U7: sessions still shown busy 10 s after OpenCode came back (goal 0). */
  stuckBusy: number
}

export interface AttentionInput {
  url: string
  /** A root session the page opens, prompted into for both readings. */
  session: { id: string; directory: string }
  /** Sends a prompt through Studio (prompt_async). */
  prompt(sessionId: string, text: string): Promise<void>
  /** Replies to every pending permission (cleanup), through Studio. */
  rejectPending(): Promise<void>
  /** kill -9 of OpenCode, then the same OpenCode started again; resolves once Studio says it is ready. */
  restartOpenCode(): Promise<void>
}

const CARD = `document.querySelector('[data-kind="permission"]') !== null`
const SHOWN_BUSY = `document.querySelector('[data-testid=run-state]') !== null`

export async function measureAttention(browser: UiBrowser, input: AttentionInput): Promise<AttentionReadings> {
  const context = await browser.context()
  try {
    const page = await context.newPage()
    await page.goto(`${input.url}/session/${input.session.id}`)
    await page.locator('#composer-input').waitFor({ timeout: 60_000 })
    await streamOpen(page)

    // U8: the card, against the arrival of its event
    await input.prompt(input.session.id, '[[tool:bash {"command":"echo measured","description":"U8"}]]')
    const shownAt = await paintedAt(page, CARD, 60_000)
    const askedAt = await page.evaluate(`(window.__studio.eventLog.find((e) => e[1] === 'permission.asked') || [NaN])[0]`) as number
    let afterReload = Number.NaN
    try {
      afterReload = (await navigateWatching(page, null, { card: CARD }, 20_000)).card
    } catch {
      // never shown: reported as NaN, a failed verdict
    }
    await input.rejectPending()
    await paintedAt(page, `!(${CARD}) && !(${SHOWN_BUSY})`, 60_000)

    // U7: a slow reply, OpenCode killed under it and started again
    await input.prompt(input.session.id, 'a slow reply [[delay:400]] [[chunks:200]]')
    await paintedAt(page, SHOWN_BUSY, 60_000)
    await input.restartOpenCode()
    const back = await page.evaluate('performance.now()') as number
    let cleared = Number.NaN
    try {
      cleared = (await paintedAt(page, `!(${SHOWN_BUSY})`, 10_000)) - back
    } catch {
      // still busy after 10 s: counted below
    }
    const stuck = await page.evaluate(`document.querySelectorAll('[data-testid=run-state]').length + [...document.querySelectorAll('nav.sidebar .section')].filter((s) => s.textContent.startsWith('Running')).length`) as number
    return { permissionShownMs: shownAt - askedAt, permissionAfterReloadMs: afterReload, busyClearedMs: cleared, stuckBusy: stuck }
  } finally {
    await context.close()
  }
}

/** The page's event stream is open (so what happens next reaches it live). */
async function streamOpen(page: Page): Promise<void> {
  await paintedAt(page, 'window.__studio && window.__studio.streamOpen.value === true', 30_000)
}
