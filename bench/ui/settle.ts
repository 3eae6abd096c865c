// Waits for servers that just started to go quiet before a page is measured: right after its start,
// OpenCode boots the instances of the directories Studio asks about and Studio reads its index, and on a
// 2-core machine that work competes with the browser, which would time the servers' start-up, not the page.

import { cpuNs } from '../../test/harness/proc.js'

const WINDOW_MS = 2000

/** Until `pids` together used less than `share` of one core over a 2 s window (or `timeoutMs` passed). */
export async function waitForQuiet(pids: number[], options: { share?: number; timeoutMs?: number } = {}): Promise<{ waitedMs: number; quiet: boolean }> {
  const share = options.share ?? 0.1
  const started = performance.now()
  const deadline = started + (options.timeoutMs ?? 120_000)
  const total = () => pids.reduce((n, pid) => n + cpuNs(pid), 0)
  while (performance.now() < deadline) {
    const before = total()
    const t0 = performance.now()
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS))
    const used = (total() - before) / 1e6 / (performance.now() - t0)
    if (used < share) return { waitedMs: performance.now() - started, quiet: true }
  }
  return { waitedMs: performance.now() - started, quiet: false }
}
