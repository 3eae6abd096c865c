// Session actions shared by the sidebar, the header, the palette and the keyboard.

import { api } from '../api/endpoints'
import { errorText } from '../api/http'
import { router } from '../app/router'
import { defaultDirectory, dirs, getSession, removeSessions, upsertSessions } from './sessions'
import { openSessionId, toast } from './ui'

export function currentDirectory(): string | null {
  const open = openSessionId.value ? getSession(openSessionId.value) : undefined
  return open?.directory ?? defaultDirectory.value ?? dirs.value[0]?.directory ?? null
}

export async function newSession(directory = currentDirectory()): Promise<void> {
  if (!directory) {
    toast('No directory to create the session in: add one in the sidebar')
    return
  }
  try {
    const answer = await api.createSession(directory)
    upsertSessions([answer.data])
    await router.push(`/session/${answer.data.id}`)
    requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>('#composer-input')?.focus())
  } catch (err) {
    toast(`Could not create a session: ${errorText(err)}`)
  }
}

export async function renameSession(id: string, title: string): Promise<void> {
  const s = getSession(id)
  if (!s || !title.trim()) return
  try {
    const answer = await api.updateSession(id, s.directory, { title: title.trim() })
    upsertSessions([answer.data])
  } catch (err) {
    toast(`Could not rename: ${errorText(err)}`)
  }
}

export async function deleteSession(id: string): Promise<void> {
  const s = getSession(id)
  if (!s) return
  try {
    await api.deleteSession(id, s.directory)
    removeSessions([id])
    if (openSessionId.value === id) await router.push('/')
  } catch (err) {
    toast(`Could not delete: ${errorText(err)}`)
  }
}

export async function archiveSession(id: string): Promise<void> {
  const s = getSession(id)
  if (!s) return
  try {
    const answer = await api.updateSession(id, s.directory, { time: { archived: Date.now() } })
    if (answer.data?.time?.archived) removeSessions([id])
    else toast('This OpenCode does not support archiving', 'info')
    if (openSessionId.value === id && answer.data?.time?.archived) await router.push('/')
  } catch (err) {
    toast(`Could not archive: ${errorText(err)}`)
  }
}

export async function stopSession(id: string): Promise<void> {
  const s = getSession(id)
  try {
    await api.abort(id, s?.directory ?? '')
  } catch (err) {
    toast(`Could not stop: ${errorText(err)}`)
  }
}
