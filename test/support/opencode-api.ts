// Small typed calls to a real OpenCode, for setting up what a test then reads through Studio.

import { request } from 'undici'
import type { OpenCode } from '../harness/opencode.js'

export interface OcSession {
  id: string
  title: string
  slug: string
  directory: string
  projectID: string
  parentID?: string
  time: { created: number; updated: number }
  [key: string]: unknown
}

const q = (dir: string) => `directory=${encodeURIComponent(dir)}`

async function call<T>(oc: OpenCode, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
  const res = await request(`${oc.url}${path}`, {
    method,
    headers: { ...(oc.authorization ? { authorization: oc.authorization } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : null,
  })
  const text = await res.body.text()
  return { status: res.statusCode, body: (text ? JSON.parse(text) : null) as T, headers: res.headers }
}

export async function createSession(oc: OpenCode, dir: string, body: { title?: string; parentID?: string } = {}): Promise<OcSession> {
  const res = await call<OcSession>(oc, 'POST', `/session?${q(dir)}`, body)
  if (res.status !== 200) throw new Error(`create session failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

export async function deleteSession(oc: OpenCode, dir: string, id: string): Promise<void> {
  const res = await call(oc, 'DELETE', `/session/${id}?${q(dir)}`)
  if (res.status !== 200) throw new Error(`delete session failed: ${res.status}`)
}

/** Sends a prompt (a text, or parts) and waits for the reply (OpenCode's blocking /message route). */
export async function prompt<T = unknown>(oc: OpenCode, dir: string, id: string, content: string | unknown[]): Promise<T> {
  const parts = typeof content === 'string' ? [{ type: 'text', text: content }] : content
  const res = await call<T>(oc, 'POST', `/session/${id}/message?${q(dir)}`, { parts })
  if (res.status !== 200) throw new Error(`prompt failed: ${res.status}`)
  return res.body
}

/** GET on OpenCode itself, with an optional directory (legacy OpenCode only finds sessions of that directory's project). */
export function ocGet<T = unknown>(oc: OpenCode, path: string, dir?: string) {
  const sep = path.includes('?') ? '&' : '?'
  return call<T>(oc, 'GET', dir ? `${path}${sep}${q(dir)}` : path)
}
