// Runs queued work once per animation frame (or after 50 ms when the tab is hidden and frames stop), so
// a burst of events costs one render.

let queued: (() => void)[] = []
let scheduled = false

function flush(): void {
  scheduled = false
  const work = queued
  queued = []
  for (const fn of work) fn()
}

export function onNextFrame(fn: () => void): void {
  queued.push(fn)
  if (scheduled) return
  scheduled = true
  let done = false
  const run = (): void => {
    if (done) return
    done = true
    flush()
  }
  requestAnimationFrame(run)
  setTimeout(run, 50)
}

/** Runs `fn` once the browser is idle after painting (at most ~500 ms later): work no first paint needs. */
export function afterPaint(fn: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => fn(), { timeout: 500 })
  else setTimeout(fn, 50)
}

/**
 * Runs `fn` in the task after the next frame is painted (a timer set in a frame's callback fires after its
 * paint), or after 100 ms if no frame comes (a tab loading in the background gets none).
 */
export function afterNextPaint(fn: () => void): void {
  let done = false
  const run = (): void => {
    if (done) return
    done = true
    fn()
  }
  requestAnimationFrame(() => setTimeout(run, 0))
  setTimeout(run, 100)
}

/** Ends the current task and resumes in a new one, ahead of other queued work where the browser can. */
export function yieldToBrowser(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler
  if (scheduler?.yield) return scheduler.yield()
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => resolve()
    channel.port2.postMessage(null)
  })
}
