// What the UI knows about Studio, OpenCode and the event stream, and the banner it derives from them.

import { computed, ref } from 'vue'
import { api } from '../api/endpoints'
import type { Health } from '../api/types'

export const health = ref<Health | null>(null)
export const studioReachable = ref(true)
/** Studio's notices on the stream: false after upstream-disconnected until upstream-connected. */
export const upstreamUp = ref(true)
export const streamOpen = ref(false)

let pollTimer: ReturnType<typeof setTimeout> | null = null

export async function refreshHealth(): Promise<void> {
  try {
    health.value = (await api.health()).data
    studioReachable.value = true
    if (health.value.opencode.state === 'ready' && health.value.events?.upstreamConnected !== false) upstreamUp.value = true
  } catch {
    studioReachable.value = false
  }
  schedulePoll()
}

/** Polls /health while something is wrong (every 3 s), so the banner clears by itself. */
function schedulePoll(): void {
  if (pollTimer) clearTimeout(pollTimer)
  pollTimer = null
  if (banner.value) pollTimer = setTimeout(() => void refreshHealth(), 3000)
}

export function noteUpstream(up: boolean): void {
  upstreamUp.value = up
  void refreshHealth()
}

export const openCodeReady = computed(() => studioReachable.value && health.value?.opencode.state !== 'unavailable' && health.value?.opencode.state !== 'starting' && health.value?.opencode.state !== 'restarting' && upstreamUp.value)

export const banner = computed<string | null>(() => {
  if (!studioReachable.value) return 'Studio is not reachable — showing what was loaded'
  const state = health.value?.opencode.state
  if (state === 'starting') return 'OpenCode is starting — showing stored sessions'
  if (state === 'restarting') return 'OpenCode is restarting — showing stored sessions'
  if (state === 'unavailable') return 'OpenCode is unavailable — showing stored sessions'
  if (!upstreamUp.value) return 'OpenCode is unavailable — showing stored sessions'
  return null
})
