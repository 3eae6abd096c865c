import { afterEach, describe, expect, it } from 'vitest'
import { startEventLoopMonitor, type EventLoopMonitor } from './event-loop.js'

describe('event loop monitor', () => {
  let monitor: EventLoopMonitor | undefined
  afterEach(() => monitor?.close())

  it('a window shows a block of the loop, and later windows do not', async () => {
    monitor = startEventLoopMonitor({ windowMs: 200 })
    await new Promise((r) => setTimeout(r, 50))
    const until = Date.now() + 300
    while (Date.now() < until) {
      // block the loop for 300 ms
    }
    await new Promise((r) => setTimeout(r, 650))
    const windows = monitor.windows()
    // the block is seen (a busy machine only makes it longer), and it belongs to one window, not all
    expect(Math.max(...windows.map((w) => w.maxMs))).toBeGreaterThanOrEqual(250)
    expect(windows.filter((w) => w.maxMs >= 250)).toHaveLength(1)
    expect(windows.at(-1)!.at).toBeGreaterThanOrEqual(windows[0]!.at)
  })

  it('keeps only the newest windows', async () => {
    monitor = startEventLoopMonitor({ windowMs: 20, keep: 3 })
    await new Promise((r) => setTimeout(r, 200))
    expect(monitor.windows()).toHaveLength(4) // three closed and the one in progress
  })
})
