// The events part: one upstream subscription feeding one hub that every browser and Studio's own
// indexes listen to.

import type { Logger } from '../lib/log.js'
import type { Bridge, UpstreamClient } from '../upstream/index.js'
import { createEventHub, type EventHub, type HubEvent, type HubOptions } from './hub.js'
import { createUpstreamFeed, type GlobalEvent } from './upstream-feed.js'
import { slimOf, slimStreamPruner } from './slim.js'

export type { EventHub } from './hub.js'
export type { GlobalEvent } from './upstream-feed.js'
export { CONNECTED_FRAME, gapFrame, retryFrame } from './frames.js'

export type EventsOptions = Omit<HubOptions, 'firstSeq'> & {
  /** The slim stream cuts parts by the same rules as pruned message pages (events.pruneBytes). */
  pruneBytes: number
}

export interface Events {
  hub: EventHub
  /** True while the upstream subscription is open. */
  upstreamConnected(): boolean
  /** Called after every (re)connection to OpenCode's stream: time to reconcile what may have been missed. */
  onUpstreamConnected(listener: (reconnect: boolean) => void): () => void
  onUpstreamDisconnected(listener: () => void): () => void
  start(): void
  close(): Promise<void>
}

/** Studio's own notices share the stream; their type is namespaced like the Rust Studio's. */
export function notice(type: string, properties: Record<string, unknown>): HubEvent {
  return { data: { type: `opencode-studio:${type}`, timestamp: Date.now(), properties }, directory: null }
}

export function createEvents(deps: { bridge: Bridge; upstream: UpstreamClient; log: Logger; options: EventsOptions }): Events {
  const hub = createEventHub(deps.options)
  const connectedListeners = new Set<(reconnect: boolean) => void>()
  const disconnectedListeners = new Set<() => void>()
  const feed = createUpstreamFeed({
    bridge: deps.bridge,
    upstream: deps.upstream,
    log: deps.log,
    onEvent: (event: GlobalEvent, raw: string) => {
      const slim = slimOf(event, raw, deps.options.pruneBytes)
      hub.publish({ data: event, raw, directory: typeof event.directory === 'string' ? event.directory : null, ...(slim !== undefined ? { slim } : {}) })
    },
    onSyncCopy: (event: GlobalEvent, raw: string) => hub.relayCopy(typeof event.directory === 'string' ? event.directory : null, raw),
    onBigEvent: (directory, head, type) => hub.openStream(directory, head, slimStreamPruner(type, head, deps.options.pruneBytes)),
    onConnected: ({ reconnect }) => {
      // a reconnect means events may have been lost while the stream was down: say so
      hub.publish(notice('upstream-connected', { reconnect, resync: reconnect }))
      for (const l of connectedListeners) l(reconnect)
    },
    onDisconnected: (reason) => {
      hub.publish(notice('upstream-disconnected', { reason }))
      for (const l of disconnectedListeners) l()
    },
  })
  return {
    hub,
    upstreamConnected: () => feed.connected,
    onUpstreamConnected(listener) {
      connectedListeners.add(listener)
      return () => connectedListeners.delete(listener)
    },
    onUpstreamDisconnected(listener) {
      disconnectedListeners.add(listener)
      return () => disconnectedListeners.delete(listener)
    },
    start: () => feed.start(),
    async close() {
      await feed.close()
      hub.close()
    },
  }
}
