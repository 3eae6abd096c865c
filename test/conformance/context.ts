// What a scenario works with on one side: an SDK client per directory, the sessions and requests earlier
// scenarios made (by label), and helpers that wait for a turn to end the same way on both sides.

import type { OpencodeClient } from '@opencode-ai/sdk/v2/client'
import { waitFor } from '../harness/wait.js'
import type { Names } from './normalise.js'
import type { Side } from './sides.js'

export interface Ctx {
  side: Side
  /** `<workspace>/conf-<name>`, created on first use. */
  dir(name: string): string
  client(dirName?: string): OpencodeClient
  /** Remembers an id under a label (a diff then says `<alpha>` instead of `<ses#1>`); returns the id.
   *  `answer` is what the id came from, shown when there is none. */
  name(label: string, id: string | undefined, answer?: unknown): string
  /** The id remembered under a label. */
  id(label: string): string
  names: Names
  /** What one scenario leaves for a later one (e.g. a tapped stream read by two comparisons). */
  memo: Map<string, unknown>
}

export interface Scenario {
  name: string
  run(ctx: Ctx): Promise<unknown>
  /** Why the scenario does not apply to OpenCode 1.1.65 (legacy JSON storage); absent: it runs there too. */
  notOnLegacy?: string
}

export function createCtx(side: Side): Ctx {
  const ids = new Map<string, string>()
  const labels = new Map<string, string>()
  return {
    side,
    dir: (name) => side.dir(`conf-${name}`),
    client: (dirName) => side.client(dirName ? side.dir(`conf-${dirName}`) : undefined),
    name(label, id, answer) {
      if (typeof id !== 'string' || id === '') throw new Error(`no id to remember as ${label}: ${JSON.stringify(answer)?.slice(0, 500)}`)
      ids.set(id, label)
      labels.set(label, id)
      return id
    },
    id(label) {
      const id = labels.get(label)
      if (!id) throw new Error(`no id remembered as ${label} (an earlier scenario failed?)`)
      return id
    },
    names: { ids, replacements: side.replacements },
    memo: new Map(),
  }
}

/** What an SDK call answered: the status and the body (OpenCode's error body on failure). */
export interface Answer {
  status: number
  body: any
}

export async function answer(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<Answer> {
  const r = await call
  return { status: r.response.status, body: r.error ?? r.data ?? null }
}

/** Waits on a busy machine: OpenCode can take tens of seconds for a step when six test suites share 2 cores. */
export const WAIT_MS = 90_000

/** Polls until the session is idle and none of its assistant messages is unfinished. */
export async function waitTurnDone(client: OpencodeClient, sessionID: string): Promise<void> {
  await waitFor(
    async () => {
      const status = (await client.session.status()).data ?? {}
      if (sessionID in status) return false
      const messages = (await client.session.messages({ sessionID })).data ?? []
      const last = messages[messages.length - 1]
      // a turn ends with an assistant message: right after prompt_async only the user's is stored yet
      return last?.info.role === 'assistant' && messages.every((m) => m.info.role !== 'assistant' || m.info.time.completed !== undefined)
    },
    { timeoutMs: WAIT_MS, what: `session ${sessionID} to finish its turn` },
  )
}

/** Polls a list until it is non-empty (a pending permission or question). */
export function waitNonEmpty<T>(probe: () => Promise<T[] | undefined>, what: string): Promise<T[]> {
  return waitFor(async () => {
    const list = await probe()
    return list && list.length > 0 ? list : null
  }, { timeoutMs: WAIT_MS, what })
}

/** A message list reduced to what a turn's outcome is: roles, finish, error name, part types and texts. */
export function outline(messages: Array<{ info: any; parts: any[] }>): unknown[] {
  return messages.map(({ info, parts }) => ({
    role: info.role,
    ...(info.finish ? { finish: info.finish } : {}),
    ...(info.error ? { error: info.error.name } : {}),
    parts: parts.map((p) => (p.type === 'text' ? `text:${p.text}` : p.type === 'tool' ? `tool:${p.tool}:${p.state.status}` : p.type)),
  }))
}
