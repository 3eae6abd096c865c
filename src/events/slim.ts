// The slim stream's copies of `message.part.updated` events: the part pruned by the same rules as pruned
// message pages (src/prune), made once per event whatever the number of slim clients. Small events are
// already parsed, so only those long enough to hold something prunable are re-serialised; large ones
// (a data URL, a huge tool output) are pruned as they stream by, through the eliding reader, without a
// 13 MB string or parse.

import { createElider, prunePart } from '../prune/index.js'
import type { StreamPruner } from './hub.js'
import type { GlobalEvent } from './upstream-feed.js'

const PART_UPDATED = 'message.part.updated'
/** The part's own type in a large event's head: the first "type" after "part":{ (ids come first). */
const PART_TYPE_RE = /"part":\{(?:"(?:id|sessionID|messageID)":"[^"\\]*",)*"type":"([^"\\]+)"/

/** The slim JSON of an event, or undefined when it is the same as the full one. */
export function slimOf(event: GlobalEvent, raw: string, limitBytes: number): string | undefined {
  // nothing prunable fits under the limit: a part's fields are cut only past it
  if (raw.length <= limitBytes || event.payload.type !== PART_UPDATED) return undefined
  const props = event.payload.properties
  const part = props?.part
  if (!part || typeof part !== 'object') return undefined
  const pruned = prunePart(part as Record<string, unknown>, { limitBytes })
  if (pruned === part) return undefined
  return JSON.stringify({ ...event, payload: { ...event.payload, properties: { ...props, part: pruned } } })
}

/**
 * A pruner for a large event, or null when slim clients should get it as it is (not a part update, or a
 * text part: text is never cut).
 */
export function slimStreamPruner(type: string, head: Buffer, limitBytes: number): StreamPruner | null {
  if (type !== PART_UPDATED) return null
  const partType = PART_TYPE_RE.exec(head.subarray(0, 64 * 1024).toString('latin1'))?.[1]
  if (partType === 'text') return null
  const elider = createElider(limitBytes)
  return {
    feed: (chunk) => elider.feed(chunk),
    finish() {
      try {
        const event = elider.finish() as GlobalEvent
        const part = event.payload?.properties?.part
        if (!part || typeof part !== 'object') return null
        const pruned = prunePart(part as Record<string, unknown>, { limitBytes })
        return JSON.stringify({ ...event, payload: { ...event.payload, properties: { ...event.payload.properties, part: pruned } } })
      } catch {
        return null
      }
    },
  }
}
