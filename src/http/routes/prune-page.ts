// `?prune=true` on the message page: the same page with every part through the pruning rules (file data
// URLs → the raw route, long tool outputs and reasoning cut, large tool metadata dropped).

import type { MessageWithParts } from '../../storage/index.js'
import { prunePart } from '../../prune/index.js'

export function prunePage(entries: MessageWithParts[], limitBytes: number): MessageWithParts[] {
  return entries.map((m) => ({ info: m.info, parts: m.parts.map((p) => prunePart(p, { limitBytes }) as MessageWithParts['parts'][number]) }))
}
