// The event streams: `event.subscribe` (one directory) and `global.event` (every directory). One prompt in a
// fresh, titled session (no title call, so the order is deterministic); the same event types must arrive
// in the same order, and the stream must open the same way.

import type { OpencodeClient } from '@opencode-ai/sdk/v2/client'
import { answer, type Ctx, type Scenario } from './context.js'

const FIRST_EVENT_MS = 5_000
const TURN_MS = 60_000
/** A change is made again until the stream shows one: OpenCode's subscription may go live seconds late. */
const PRIMER_TRIES = 10
const PRIMER_WAIT_MS = 1500

interface Tap {
  /** Types of the events before the prompt was sent, in order (the stream's greeting). */
  first: string[]
  /** Resolves once an event mentioning `text` was seen (false after `ms`). */
  sees(text: string, ms: number): Promise<boolean>
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
  let startAt = 0
  return {
    first,
    async sees(text, ms) {
      const found = await waitSeen(() => seen.some((e) => e.about.includes(text)), ms)
      // the events of the prompt are those after the primer and its echoes (its sync copy follows it)
      await new Promise((r) => setTimeout(r, 300))
      startAt = seen.length
      return found
    },
    async until(sessionID) {
      const done = await waitSeen(() => seen.some((e) => e.type === 'session.idle' && e.about.includes(sessionID)), TURN_MS)
      ac.abort()
      await reading
      const types = withoutSummaries(seen.slice(startAt).filter((e) => e.about.includes(sessionID))).map((e) => e.type)
      // up to the first session.idle: what OpenCode sends after it (a late session.updated, session.diff and
      // message.updated) races with the reader stopping, on either side
      const idle = types.indexOf('session.idle')
      return done && idle >= 0 ? types.slice(0, idle + 1) : [...types, `<no session.idle within ${TURN_MS / 1000} s>`]
    },
  }
}

/** The id OpenCode gave an event (bus event: payload.id or id; sync copy: syncEvent.id). */
function idOf(about: string): string | undefined {
  const e = JSON.parse(about)
  const payload = e.payload ?? e
  return payload.type === 'sync' ? payload.syncEvent?.id : payload.id
}

/**
 * OpenCode summarises a turn on a fiber of its own: `session.updated` (with `summary`), `session.diff`,
 * then the user's `message.updated` (with `summary.diffs`). Where that trio lands among the turn's events
 * (after the first step, or after the idle) varies from run to run, straight or through Studio alike, so
 * it is left out of the order compared, with its sync copies (which carry the same event ids).
 */
function withoutSummaries(events: Array<{ type: string; about: string }>): Array<{ type: string; about: string }> {
  const drop = new Set<string>()
  const bus = events.filter((e) => !e.type.startsWith('sync:'))
  bus.forEach((e, i) => {
    if (e.type !== 'session.diff') return
    const before = bus.slice(0, i).findLast((x) => x.type === 'session.updated')
    const after = bus.slice(i + 1).find((x) => x.type === 'message.updated' && x.about.includes('"role":"user"'))
    for (const x of [before, e, after]) {
      const id = x && idOf(x.about)
      if (id) drop.add(id)
    }
  })
  return events.filter((e) => {
    const id = idOf(e.about)
    return id === undefined || !drop.has(id)
  })
}

/**
 * The session is made before the stream is tapped: OpenCode's own subscription may go live only after its
 * greeting, so whether a create right after subscribing is seen is a race on OpenCode's side.
 */
async function tapSession(c: Ctx, label: string): Promise<string> {
  const created = await c.client('e').session.create({ title: label })
  return c.name(label, created.data?.id, created.error)
}

async function promptWhileTapped(c: Ctx, sessionID: string, label: string, t: Tap): Promise<unknown> {
  const client: OpencodeClient = c.client('e')
  // OpenCode's own subscription goes live a moment after its greeting (events right after it can be
  // missed, straight or through Studio alike): wait until a change made now is seen, then prompt
  let primed = false
  for (let n = 1; n <= PRIMER_TRIES && !primed; n++) {
    await client.session.update({ sessionID, title: `${label} (primed ${n})` })
    primed = await t.sees(`${label} (primed ${n})`, PRIMER_WAIT_MS)
  }
  if (!primed) throw new Error(`the stream never showed any of ${PRIMER_TRIES} title changes`)
  const prompt = await answer(client.session.prompt({ sessionID, parts: [{ type: 'text', text: `events for ${label}` }] }))
  return { first: t.first, prompt: prompt.status, events: await t.until(sessionID) }
}

/** Seen on the proxied per-directory stream too, so it is OpenCode's own behaviour, not Studio's. */
const ORDER_ON_LEGACY =
  "1.1.65's own order for one prompt varies from run to run (message.updated and session.status interleave differently)"

const sseOptions = (signal: AbortSignal) => ({ signal, sseMaxRetryAttempts: 1 })

export const eventScenarios: Scenario[] = [
  {
    name: 'event.subscribe: the types of one prompt, in order',
    notOnLegacy: ORDER_ON_LEGACY,
    async run(c) {
      const client = c.client('e')
      const sessionID = await tapSession(c, 'events-dir')
      const t = await tap(
        (signal) => client.event.subscribe(undefined, sseOptions(signal)) as never,
        (e) => (e && typeof e === 'object' && 'type' in e ? { type: String(e.type), about: JSON.stringify(e) } : null),
      )
      return promptWhileTapped(c, sessionID, 'events-dir', t)
    },
  },
  {
    name: 'global.event: the types of one prompt, in order',
    notOnLegacy: ORDER_ON_LEGACY,
    async run(c) {
      const client = c.client()
      const sessionID = await tapSession(c, 'events-global')
      const t = await tap(
        (signal) => client.global.event(sseOptions(signal)) as never,
        (e) => {
          const payload = e?.payload
          if (!payload || typeof payload !== 'object') return null
          const type = payload.type === 'sync' ? `sync:${payload.syncEvent?.type}` : String(payload.type)
          return { type, about: JSON.stringify(e) }
        },
      )
      const seen = (await promptWhileTapped(c, sessionID, 'events-global', t)) as { first: string[]; prompt: number; events: string[] }
      c.memo.set('global', seen)
      // the bus events; the `sync` copies are compared by the next scenario
      return { prompt: seen.prompt, events: seen.events.filter((type) => !type.startsWith('sync:')) }
    },
  },
  {
    // Studio greets like OpenCode and passes OpenCode's `sync` copies on to clients that are not slim
    name: "global.event: the stream opens with server.connected and carries OpenCode's sync copies",
    notOnLegacy: 'it reads the stream the previous scenario tapped, which does not run on 1.1.65',
    async run(c) {
      const seen = c.memo.get('global') as { first: string[]; events: string[] } | undefined
      if (!seen) throw new Error('the previous scenario did not tap the global stream')
      return { first: seen.first, sync: seen.events.filter((type) => type.startsWith('sync:')) }
    },
  },
]
