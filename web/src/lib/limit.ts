// At most `n` tasks at a time, the rest in order. A browser opens six connections per host and the event
// stream holds one: the sidebar's many directory pages go through a limiter so that what the person is
// looking at (the open session's history) is never queued behind them.

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>

export function createLimiter(n: number): Limiter {
  let running = 0
  const waiting: Array<() => void> = []
  const next = (): void => {
    if (running >= n) return
    const start = waiting.shift()
    if (start) start()
  }
  return (task) =>
    new Promise((resolve, reject) => {
      waiting.push(() => {
        running++
        task()
          .then(resolve, reject)
          .finally(() => {
            running--
            next()
          })
      })
      next()
    })
}
