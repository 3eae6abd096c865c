// Frame time in OpenCode's web app while a reply streams into the session it shows: the same reply,
// into the same session, watched for as long as Studio's stream is (bench/ui/studio-ui.ts, U4).

import type { Page } from 'playwright-core'
import { frameIntervalP95, longTasksSince, paintedAt } from './browser.js'

export interface OpenCodeStreamReadings {
  streamFrameP95Ms: number
  streamLongTasks: number
  streamLongestTaskMs: number
}

export interface OpenCodeStreamInput {
  /** Starts the reply (about 50 deltas a second) once the session is idle; resolves once its first delta has reached OpenCode. */
  startStream(): Promise<void>
  streamSeconds: number
  /** Text the streamed reply contains (so may earlier replies): one more of it proves the app painted this one. */
  replyText: string
}

type Probe = { __uiProbe: { startFrames(): void; stopFrames(): number[] } }

/** `page` shows the session the reply goes to, with PROBE_SCRIPT installed (bench/ui/browser.ts). */
export async function measureOpenCodeStream(page: Page, input: OpenCodeStreamInput): Promise<OpenCodeStreamReadings> {
  const replies = `document.body.innerText.split(${JSON.stringify(input.replyText)}).length`
  const before = (await page.evaluate(replies)) as number
  const since = await page.evaluate(() => performance.now())
  await input.startStream()
  // as for Studio's UI: frames from the first delta on, long tasks from the prompt on
  await page.evaluate(() => (window as unknown as Probe).__uiProbe.startFrames())
  await page.waitForTimeout(input.streamSeconds * 1000)
  const frames = await page.evaluate(() => (window as unknown as Probe).__uiProbe.stopFrames())
  const long = await longTasksSince(page, since)
  await paintedAt(page, `${replies} > ${before}`, 30_000)
  return { streamFrameP95Ms: frameIntervalP95(frames), streamLongTasks: long.count, streamLongestTaskMs: long.longestMs }
}
