// How long Studio's event loop was blocked, per second, for the last two minutes. Every request shares
// one loop, so a block is a stall for every client (issue 13: one huge prompt must not block it over
// 100 ms). Node's own monitor samples on a 10 ms timer and records how late it fired; the histogram is
// read and reset once a second, and the diagnostics route shows the windows.

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'

export interface LoopWindow {
  /** When the window ended (ms since the epoch). */
  at: number
  /** The longest delay seen in it: about the longest time the loop was blocked. */
  maxMs: number
  p99Ms: number
}

export interface EventLoopMonitor {
  /** Closed windows, oldest first (at most `keep`), plus the window in progress. */
  windows(): LoopWindow[]
  close(): void
}

export function startEventLoopMonitor(options: { windowMs?: number; keep?: number } = {}): EventLoopMonitor {
  const windowMs = options.windowMs ?? 1000
  const keep = options.keep ?? 120
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  const closed: LoopWindow[] = []
  const read = (): LoopWindow => ({
    at: Date.now(),
    // the histogram is in nanoseconds; an empty window reads as 0, not as its sentinel minimum
    maxMs: histogram.count > 0 ? round(histogram.max / 1e6) : 0,
    p99Ms: histogram.count > 0 ? round(histogram.percentile(99) / 1e6) : 0,
  })
  const timer = setInterval(() => {
    closed.push(read())
    if (closed.length > keep) closed.shift()
    histogram.reset()
  }, windowMs)
  timer.unref()
  return {
    windows: () => [...closed, read()],
    close() {
      clearInterval(timer)
      histogram.disable()
    },
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10
