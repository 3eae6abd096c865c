// Global shortcuts (OpenCode's defaults, F.7). Inputs keep their own keys except the mod- and alt-combos.

import { router } from './router'
import { newSession, stopSession } from '../stores/actions'
import { openSessionId, paletteOpen, sidebarOpen } from '../stores/ui'
import { sessionOrder } from '../features/sidebar/rows'
import { statusMap } from '../stores/status'

let lastEsc = 0

function go(step: number): void {
  const ids = sessionOrder.value
  if (ids.length === 0) return
  const at = openSessionId.value ? ids.indexOf(openSessionId.value) : -1
  const next = ids[(at + step + ids.length) % ids.length]
  if (next) void router.push(`/session/${next}`)
}

export function installKeyboard(): void {
  window.addEventListener('keydown', (e) => {
    const mod = e.ctrlKey || e.metaKey
    const key = e.key.toLowerCase()
    if (mod && !e.altKey && (key === 'k' || (e.shiftKey && key === 'p'))) {
      e.preventDefault()
      paletteOpen.value = !paletteOpen.value
    } else if (mod && e.shiftKey && key === 's') {
      e.preventDefault()
      void newSession()
    } else if (e.altKey && !mod && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      e.preventDefault()
      go(e.key === 'ArrowUp' ? -1 : 1)
    } else if (e.ctrlKey && !e.shiftKey && key === 'l') {
      e.preventDefault()
      document.querySelector<HTMLElement>('#composer-input')?.focus()
    } else if (mod && !e.shiftKey && key === 'b') {
      e.preventDefault()
      sidebarOpen.value = !sidebarOpen.value
    } else if (mod && e.shiftKey && key === 'f') {
      e.preventDefault()
      sidebarOpen.value = true
      requestAnimationFrame(() => document.querySelector<HTMLElement>('#session-search')?.focus())
    } else if (mod && !e.shiftKey && key === 'u') {
      e.preventDefault()
      document.querySelector<HTMLInputElement>('[data-testid="file-input"]')?.click()
    } else if (e.key === 'Escape' && !paletteOpen.value) {
      const now = Date.now()
      const sid = openSessionId.value
      if (sid && statusMap.value[sid] && now - lastEsc < 600) void stopSession(sid)
      lastEsc = now
    }
  })
}
