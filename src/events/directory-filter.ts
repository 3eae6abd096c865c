// `?directory=` on the event stream: events of that directory or below it, plus those without a
// directory (Studio's notices, global events). Both sides are directoryKey() values, so the key of an
// event is computed once when it is published, not once per client.

import { directoryKey } from '../lib/directory-key.js'

/** An event's or a filter's directory as a comparison key (null: none). */
export const keyOf = (directory: string | null): string | null => (directory === null ? null : directoryKey(directory))

export function directoryFilter(directory: string | null): (eventKey: string | null) => boolean {
  const key = keyOf(directory)
  if (key === null) return () => true
  const below = key.endsWith('/') ? key : `${key}/`
  return (eventKey) => eventKey === null || eventKey === key || eventKey.startsWith(below)
}
