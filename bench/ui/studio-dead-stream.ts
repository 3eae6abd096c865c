// U7 of ui-spec.md F.8, the dead stream: the page's event stream stays connected but no byte comes (a
// frozen proxy, a suspended laptop's peer). Studio is stopped with SIGSTOP, so the connection stays
// open and silent; meanwhile a prompt goes to OpenCode directly. Measured: how long the page takes to
// see that its stream is dead, and, once Studio runs again, how long until the open session shows what
// happened meanwhile.

import { paintedAt, type UiBrowser } from './browser.js'

export interface DeadStreamReadings {
  /** Studio stopped → the page says its stream is down (goal ≤ 35 s). */
  deadStreamDetectedMs: number
  /** Studio running again → the message sent meanwhile shown in the open session (goal ≤ 2 s). */
  deadStreamRepairedMs: number
}

export interface DeadStreamInput {
  url: string
  studioPid: number
  session: { id: string }
  /** Sends a prompt to OpenCode itself (Studio is stopped meanwhile). */
  promptOpenCode(sessionId: string, text: string): Promise<void>
}

const STREAM_OPEN = 'window.__studio && window.__studio.streamOpen.value === true'

export async function measureDeadStream(browser: UiBrowser, input: DeadStreamInput): Promise<DeadStreamReadings> {
  const context = await browser.context()
  let stopped = false
  try {
    const page = await context.newPage()
    await page.goto(`${input.url}/session/${input.session.id}`)
    await page.locator('#composer-input').waitFor({ timeout: 60_000 })
    await paintedAt(page, STREAM_OPEN, 30_000)
    await page.waitForTimeout(1000)

    process.kill(input.studioPid, 'SIGSTOP')
    stopped = true
    const stoppedAt = (await page.evaluate('performance.now()')) as number
    const marker = `sent while the stream was dead ${Date.now()}`
    await input.promptOpenCode(input.session.id, marker)
    const detected = (await paintedAt(page, `!(${STREAM_OPEN})`, 90_000)) - stoppedAt

    process.kill(input.studioPid, 'SIGCONT')
    stopped = false
    const resumedAt = (await page.evaluate('performance.now()')) as number
    let repaired = Number.NaN
    try {
      const shown = await paintedAt(page, `document.querySelector('[data-testid=timeline]')?.textContent.includes(${JSON.stringify(marker)})`, 30_000)
      repaired = shown - resumedAt
    } catch {
      // never shown: NaN, a failed verdict
    }
    return { deadStreamDetectedMs: detected, deadStreamRepairedMs: repaired }
  } finally {
    if (stopped) process.kill(input.studioPid, 'SIGCONT')
    await context.close()
  }
}
