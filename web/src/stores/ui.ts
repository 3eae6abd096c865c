// UI state that is not server data: the open session, drafts (kept in localStorage, per session),
// remembered model/agent choices, transient notices.

import { shallowRef } from 'vue'

export const openSessionId = shallowRef<string | null>(null)
export const sessionErrors = shallowRef(new Map<string, string>())
export const toasts = shallowRef<{ id: number; text: string; kind: 'error' | 'info' }[]>([])
export const paletteOpen = shallowRef(false)
export const sidebarOpen = shallowRef(true)
/**
 * The first screen's lists render their rows in tasks of their own after the mount (app/start.ts), so no
 * one task builds the whole screen: on a deep link the chat's rows, then the sidebar's after the paint.
 */
export const sidebarRowsShown = shallowRef(true)
export const timelineRowsShown = shallowRef(true)

let toastId = 0
export function toast(text: string, kind: 'error' | 'info' = 'error'): void {
  const id = ++toastId
  toasts.value = [...toasts.value, { id, text, kind }]
  setTimeout(() => (toasts.value = toasts.value.filter((t) => t.id !== id)), 6000)
}

export function setSessionError(sid: string, message: string | null): void {
  const next = new Map(sessionErrors.value)
  if (message === null) next.delete(sid)
  else next.set(sid, message)
  sessionErrors.value = next
}

const DRAFT_PREFIX = 'ocs.draft.'

export function loadDraft(sid: string): string {
  return localStorage.getItem(DRAFT_PREFIX + sid) ?? ''
}

export function saveDraft(sid: string, text: string): void {
  if (text === '') localStorage.removeItem(DRAFT_PREFIX + sid)
  else localStorage.setItem(DRAFT_PREFIX + sid, text)
}

export function loadChoice(key: string): string | null {
  return localStorage.getItem(`ocs.choice.${key}`)
}

export function saveChoice(key: string, value: string): void {
  localStorage.setItem(`ocs.choice.${key}`, value)
}
