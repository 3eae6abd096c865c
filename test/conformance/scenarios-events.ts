// The event streams: `event.subscribe` (one directory) and `global.event` (every directory). One prompt in a
// fresh, titled session (no title call, so the order is deterministic); the same event types must arrive
// in the same order, and the stream must open the same way.

import type { OpencodeClient } from '@opencode-ai/sdk/v2/client'
import { answer, type Ctx, type Scenario } from './context.js'

const FIRST_EVENT_MS = 5_000
const TURN_MS = 30_000

interface Tap {
  /** Types of the events before the prompt was sent, in order (the stream's greeting). */
  first: string[]
  /** Resolves with the types of the session's events, up to and including its `session.idle`. */
  until(sessionID: string): Promise<string[]>
}

type Unwrap = (event: any) => { type: string; about: string } | null

/** Starts reading a stream and waits for its first event (or FIRST_EVENT_MS) before handing it over. */
async function tap(open: (signal: AbortSignal) => Promise<{ stream: AsyncGenerator<unknown> }>, unwrap: Unwrap): Promise<Tap> {
  const ac = new AbortController()
  const { stream } = await open(ac.signal)
  const seen: Array<{ type: string; about: string }> = []
  let wake: () => void = () => {}
  const reading = (async () => {
    try {
      for await (const raw of stream) {
        const e = unwrap(raw)
        if (e) seen.push(e)
        wake()
      }
    } catch {
      // aborted
    }
  })()
  const waitSeen = (test: () => boolean, ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms)
      wake = () => {
        if (test()) {
          clearTimeout(timer)
          resolve(true)
        }
      }
      wake()
    })
  await waitSeen(() => seen.length > 0, FIRST_EVENT_MS)
  const first = seen.map((e) => e.type)
  return {
    first,
    async until(sessionID) {
      const done = await waitSeen(() => seen.some((e) => e.type === 'session.idle' && e.about.includes(sessionID)), TURN_MS)
      ac.abort()
      await reading
      const types = seen.filter((e) => e.about.includes(sessionID)).map((e) => e.type)
      return done ? types : [...types, '<no session.idle within 30 s>']
    },
  }
}

async function promptWhileTapped(c: Ctx, label: string, t: Tap): Promise<unknown> {
  const client: OpencodeClient = c.client('e')
  const created = await client.session.create({ title: label })
  const sessionID = c.name(label, created.data?.id ?? '')
  const prompt = await answer(client.session.prompt({ sessionID, parts: [{ type: 'text', text: `events for ${label}` }] }))
  return { first: t.first, prompt: prompt.status, events: await t.until(sessionID) }
}

const sseOptions = (signal: AbortSignal) => ({ signal, sseMaxRetryAttempts: 1 })

export const eventScenarios: Scenario[] = [
  {
    name: 'event.subscribe: the types of one prompt, in order',
    async run(c) {
      const client = c.client('e')
      const t = await tap(
        (signal) => client.event.subscribe(undefined, sseOptions(signal)) as never,
        (e) => (e && typeof e === 'object' && 'type' in e ? { type: String(e.type), about: JSON.stringify(e) } : null),
      )
      return promptWhileTapped(c, 'events-dir', t)
    },
  },
  {
    name: 'global.event: the types of one prompt, in order',
    async run(c) {
      const client = c.client()
      const t = await tap(
        (signal) => client.global.event(sseOptions(signal)) as never,
        (e) => {
          const payload = e?.payload
          if (!payload || typeof payload !== 'object') return null
          const type = payload.type === 'sync' ? `sync:${payload.syncEvent?.type}` : String(payload.type)
          return { type, about: JSON.stringify(e) }
        },
      )
      return promptWhileTapped(c, 'events-global', t)
    },
  },
]
