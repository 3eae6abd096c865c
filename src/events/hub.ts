// The event hub: every event gets a Studio sequence number, goes into the replay ring, and is written to
// each subscribed client. Clients resume with Last-Event-ID: what they missed is replayed exactly once,
// in order, or they get an explicit replay-gap frame. A client that stops reading cannot grow Studio's
// memory: past its queue budget it gets a gap frame and is disconnected.

import { directoryFilter, keyOf } from './directory-filter.js'
import { bareFrame, eventFrame, gapFrame, HEARTBEAT_FRAME, type GapInfo } from './frames.js'
import { createReplayRing } from './ring.js'

export interface HubEvent {
  /** The event as an object (for in-process listeners). */
  data: unknown
  /** The same event already serialised, when it arrived as text: sent as is, saving a JSON.stringify per event. */
  raw?: string
  /** The OpenCode directory the event belongs to, if any (for ?directory= filters). */
  directory: string | null
  /** The event as slim clients get it (parts pruned), when that differs from `raw`. */
  slim?: string
  /** A duplicate relayed without a number (see relayCopy); only ever queued while a large event streams. */
  copy?: true
}

/** Where a subscriber's frames go: an HTTP response, in practice. */
export interface Sink {
  write(chunk: Buffer): boolean
  /** Bytes accepted but not yet handed to the socket. */
  readonly writableLength: number
  end(chunk?: Buffer): void
  destroy(): void
}

export interface SubscribeOptions {
  /** The client's Last-Event-ID, if it is resuming. */
  lastEventId: number | null
  /** Only events of this directory (or below it), plus events without a directory; null: everything. */
  directory: string | null
  sink: Sink
  /** Pruned `message.part.updated` parts (no data URLs, no huge tool outputs): ?slim=true. */
  slim?: boolean
}

export interface Subscription {
  close(): void
}

export type HubListener = (event: HubEvent, seq: number) => void

/** An event relayed while it arrives (too large to hold): write its data in pieces, then end it. */
export interface HubStream {
  write(chunk: Buffer): void
  end(): void
  /** The source broke off mid-event: its clients are disconnected (an unfinished event is dropped by them). */
  abort(): void
}

/** Builds a large event's slim version from its bytes as they pass (constant memory). */
export interface StreamPruner {
  feed(chunk: Buffer): void
  /** The slim event's JSON, or null when it could not be made. */
  finish(): string | null
}

export interface EventHub {
  /** The sequence number of the newest event (the first one is firstSeq). */
  seq(): number
  readonly firstSeq: number
  publish(event: HubEvent): number
  /**
   * Starts relaying a large event whose data begins with `head`. Nothing else is written to clients until
   * it ends (other events wait, so frames never interleave); it is not kept for replay, and in-process
   * listeners do not see it (Studio's indexes only need small events). With a pruner, slim clients get
   * the pruned event in one frame once it has ended (and it is kept for their replay).
   */
  openStream(directory: string | null, head: Buffer, pruner?: StreamPruner | null): HubStream
  subscribe(options: SubscribeOptions): Subscription
  /**
   * A duplicate OpenCode sends beside an event (its `sync` copy): written live, without a sequence number,
   * to the clients that want OpenCode's exact stream (not slim ones); not kept for replay, not given to
   * listeners (the event it copies is).
   */
  relayCopy(directory: string | null, raw: string): void
  /** In-process listeners (status index, session index), called synchronously on publish. */
  listen(listener: HubListener): () => void
  stats(): { clients: number; ringBytes: number; ringFrames: number }
  close(): void
}

export interface HubOptions {
  replayBytes: number
  /**
   * Bytes a client may have queued (accepted but not yet sent). A burst of large events may exceed it
   * for a moment; a client that stays above it for SLOW_CLIENT_GRACE_MS, or whose backlog passes four
   * times it, is cut off.
   */
  clientQueueBytes: number
  heartbeatMs: number
  /** First sequence number; defaults to a time-based value so ids keep growing across restarts. */
  firstSeq?: number
}

/** How long a cut-off client gets to take its gap frame before its socket is destroyed. */
const CUTOFF_GRACE_MS = 5000
/** How long a client may stay above its queue budget (a slow link catching up) before it is cut off. */
const SLOW_CLIENT_GRACE_MS = 5000
/** A backlog this many times the budget is cut off at once: a client that far behind is not catching up. */
const HARD_CAP_FACTOR = 4
const CHECK_MS = 1000

interface Client {
  sink: Sink
  accepts: (eventKey: string | null) => boolean
  lastWrite: number
  /** Since when the backlog has been above the budget (null: it is not). */
  overSince: number | null
  /** Inside a relayed large frame: a cut-off then must not append a gap frame to half an event. */
  midFrame: boolean
  closed: boolean
  slim: boolean
}

export function createEventHub(options: HubOptions): EventHub {
  // Ids derived from the start time keep growing across Studio restarts, so a client resuming with an id
  // from a previous run is recognised as too old (a replay gap) instead of being matched against
  // unrelated new events. Microsecond resolution leaves room for a million events per second.
  const firstSeq = options.firstSeq ?? Date.now() * 1000
  let seq = firstSeq - 1
  const ring = createReplayRing(options.replayBytes)
  // slim clients replay from their own ring: pruned copies are small, so large events stay resumable
  const slimRing = createReplayRing(options.replayBytes)
  const clients = new Set<Client>()
  const listeners = new Set<HubListener>()

  const timer = setInterval(() => {
    const now = Date.now()
    for (const c of clients) {
      if (tooSlow(c, now)) cutOff(c)
      else if (!c.midFrame && now - c.lastWrite >= options.heartbeatMs) send(c, HEARTBEAT_FRAME, now)
    }
  }, Math.min(CHECK_MS, options.heartbeatMs))
  timer.unref()

  /** Judged on the backlog left from earlier frames, so one large event alone never cuts a client off. */
  function tooSlow(client: Client, now: number): boolean {
    const backlog = client.sink.writableLength
    if (backlog > options.clientQueueBytes * HARD_CAP_FACTOR) return true
    if (backlog <= options.clientQueueBytes) {
      client.overSince = null
      return false
    }
    client.overSince ??= now
    return now - client.overSince > SLOW_CLIENT_GRACE_MS
  }

  function send(client: Client, frame: Buffer, now = Date.now()): void {
    if (client.closed) return
    if (tooSlow(client, now)) return cutOff(client)
    client.sink.write(frame)
    client.lastWrite = now
  }

  /** `lost`: the event the client misses (an unprunable large one); otherwise it is too slow. */
  function cutOff(client: Client, lost?: number): void {
    const info: GapInfo =
      lost === undefined
        ? { reason: 'client-too-slow', requestedLastEventId: null, seqAtSubscribe: seq, gapSeq: seq + 1 }
        : { reason: 'frame-too-large', requestedLastEventId: null, seqAtSubscribe: seq, gapSeq: lost }
    drop(client)
    // a client cut off mid-frame just loses the connection: its parser drops the unfinished event
    client.sink.end(client.midFrame ? undefined : gapFrame(info))
    setTimeout(() => client.sink.destroy(), CUTOFF_GRACE_MS).unref()
  }

  function drop(client: Client): void {
    client.closed = true
    clients.delete(client)
  }

  /** Events published while a large one is being relayed wait here. */
  let streaming = false
  const waiting: HubEvent[] = []

  const hub: EventHub = {
    seq: () => seq,
    firstSeq,
    publish(event) {
      if (streaming) {
        waiting.push(event)
        return seq + waiting.length
      }
      seq++
      const frame = eventFrame(seq, event.raw ?? JSON.stringify(event.data))
      const slimFrame = event.slim === undefined ? frame : eventFrame(seq, event.slim)
      const key = keyOf(event.directory)
      ring.push({ seq, key, bytes: frame })
      slimRing.push({ seq, key, bytes: slimFrame })
      const now = Date.now()
      for (const c of clients) if (c.accepts(key)) send(c, c.slim ? slimFrame : frame, now)
      for (const l of listeners) l(event, seq)
      return seq
    },
    relayCopy(directory, raw) {
      // never inside a large frame being relayed: it waits, in order with the events around it
      if (streaming) return void waiting.push({ data: null, raw, directory, copy: true })
      const frame = bareFrame(raw)
      const key = keyOf(directory)
      const now = Date.now()
      for (const c of clients) if (!c.slim && c.accepts(key)) send(c, frame, now)
    },
    openStream(directory, head, pruner = null) {
      const finish = () => {
        streaming = false
        for (const e of waiting.splice(0)) {
          if (e.copy) hub.relayCopy(e.directory, e.raw!)
          else hub.publish(e)
        }
      }
      seq++
      const at = seq
      ring.skip(seq)
      const key = keyOf(directory)
      const targets = [...clients].filter((c) => c.accepts(key) && !(pruner && c.slim))
      const slimTargets = pruner ? [...clients].filter((c) => c.accepts(key) && c.slim) : []
      if (!pruner) slimRing.skip(seq)
      else pruner.feed(head)
      streaming = true
      const start = Buffer.concat([Buffer.from(`id: ${seq}\ndata: `), head]) // one copy, shared by every client
      for (const c of targets) {
        send(c, start)
        c.midFrame = true
      }
      const live = () => targets.filter((c) => !c.closed)
      return {
        write(chunk) {
          const now = Date.now()
          for (const c of targets) send(c, chunk, now) // send() skips clients cut off meanwhile
          pruner?.feed(chunk)
        },
        end() {
          for (const c of live()) {
            send(c, FRAME_END)
            c.midFrame = false
          }
          if (pruner) {
            const slim = pruner.finish()
            if (slim === null) {
              slimRing.skip(at)
              for (const c of slimTargets) if (!c.closed) cutOff(c, at)
            } else {
              const frame = eventFrame(at, slim)
              slimRing.push({ seq: at, key, bytes: frame })
              const now = Date.now()
              for (const c of slimTargets) send(c, frame, now)
            }
          }
          finish()
        },
        abort() {
          for (const c of live()) cutOff(c)
          slimRing.skip(at)
          finish()
        },
      }
    },
    subscribe({ lastEventId, directory, sink, slim = false }) {
      const accepts = directoryFilter(directory)
      const client: Client = { sink, accepts, lastWrite: Date.now(), overSince: null, midFrame: false, closed: false, slim }
      clients.add(client)
      if (lastEventId !== null) {
        const gap = (reason: GapInfo['reason']) =>
          send(client, gapFrame({ reason, requestedLastEventId: lastEventId, seqAtSubscribe: seq, gapSeq: lastEventId + 1 }))
        if (lastEventId > seq) gap('cursor-ahead')
        else if (lastEventId < firstSeq - 1) gap('cursor-too-old')
        else {
          const replay = (slim ? slimRing : ring).since(lastEventId)
          if (!replay.ok) gap('cursor-too-old')
          else for (const f of replay.frames) if (accepts(f.key)) send(client, f.bytes)
        }
      }
      return { close: () => drop(client) }
    },
    listen(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    stats: () => ({ clients: clients.size, ringBytes: ring.bytes, ringFrames: ring.length }),
    close() {
      clearInterval(timer)
      for (const c of [...clients]) {
        drop(c)
        c.sink.end()
      }
    },
  }
  return hub
}

const FRAME_END = Buffer.from('\n\n')
