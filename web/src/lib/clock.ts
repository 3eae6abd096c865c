// A shared 1 s clock for running timers and retry countdowns; it ticks only while someone uses it.

import { onBeforeUnmount, shallowRef } from 'vue'

export const now = shallowRef(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | null = null

export function useClock(): typeof now {
  users++
  if (!timer) timer = setInterval(() => (now.value = Date.now()), 1000)
  onBeforeUnmount(() => {
    users--
    if (users === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  })
  now.value = Date.now()
  return now
}
