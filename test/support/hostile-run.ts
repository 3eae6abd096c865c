// Runs rows of the hostile table and judges each answer: the status and code the row expects, and
// whether an error answer that is Studio's own is its JSON `{error, code}`.
//
// The rule for "Studio's own": every answer is, except those a row marks `openCode` — answers OpenCode
// gave that Studio relays unchanged from a pass-through (the catch-all proxy, session writes, a prompt
// once Studio's own checks of it passed). Those keep OpenCode's error shape on purpose (the /api
// principle: OpenCode's clients get OpenCode's answers), so they are left out of the figure.

import { HOSTILE_CASES, type HostileCase, type HostileContext } from './hostile-cases.js'
import { rawHttp, type RawAnswer } from './raw-http.js'

export interface HostileOutcome {
  row: HostileCase
  answer: RawAnswer | null
  /** Why there was no answer (a timeout, a reset). */
  failure: string | null
  /** Status (and code) as the row expects. */
  matched: boolean
  /** An error answer of Studio's own without a JSON `{error, code}` body. */
  nonJson: boolean
  ms: number
}

/** `{error: string, code: string}` (extra fields allowed). */
export function isStudioErrorBody(answer: RawAnswer): boolean {
  return typeof answer.json?.error === 'string' && typeof answer.json?.code === 'string'
}

export async function runHostileRow(ctx: HostileContext, row: HostileCase, timeoutMs = 30_000): Promise<HostileOutcome> {
  const port = row.guarded ? ctx.guardedPort : ctx.port
  const started = performance.now()
  let answer: RawAnswer | null = null
  let failure: string | null = null
  try {
    answer = await rawHttp(port, row.request(ctx), { timeoutMs, ...(row.until ? { until: row.until } : {}) })
  } catch (err) {
    failure = (err as Error).message
  }
  const ms = performance.now() - started
  const matched = answer !== null && answer.status === row.status && (row.code === undefined || answer.json?.code === row.code) && (!row.until || row.until.test(answer.body))
  const nonJson = answer !== null && answer.status >= 400 && !row.openCode && !isStudioErrorBody(answer)
  return { row, answer, failure, matched, nonJson, ms }
}

/** Every row, `concurrency` at a time (the slow ones wait on Studio's timeouts, not on the machine). */
export async function runHostileTable(ctx: HostileContext, options: { concurrency?: number; rows?: HostileCase[]; onRow?: (o: HostileOutcome) => void } = {}): Promise<HostileOutcome[]> {
  const rows = options.rows ?? HOSTILE_CASES
  const out: HostileOutcome[] = new Array(rows.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < rows.length; i = next++) {
      out[i] = await runHostileRow(ctx, rows[i]!)
      options.onRow?.(out[i]!)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker))
  return out
}
