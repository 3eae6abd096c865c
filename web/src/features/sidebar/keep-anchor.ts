// Rows arriving above the view (a directory's page read for a header in the overscan above it, a session
// starting to run) do not move what is shown: the first row in view keeps its place. At the very top,
// nothing is held, so new rows there (Needs you) are seen.

import { nextTick, watch, type Ref } from 'vue'
import type { Virtualizer } from '@tanstack/vue-virtual'
import type { Row } from './rows'

/** Returns the scroll listener that notes which row is first in view. */
export function useKeepFirstRow(rows: Ref<Row[]>, virtualizer: Ref<Virtualizer<HTMLElement, Element>>, scroller: Ref<HTMLElement | null>): () => void {
  let anchor: { key: string; delta: number } | null = null
  /** Where the view was last put back: that scroll is not the person's, the anchor stays. */
  let placed = -1
  function noteAnchor(): void {
    const offset = scroller.value?.scrollTop ?? 0
    if (placed >= 0 && Math.abs(offset - placed) <= 1) return
    placed = -1
    const first = offset > 0 ? virtualizer.value.measurementsCache.find((i) => i.end > offset) : undefined
    anchor = first ? { key: String(first.key), delta: first.start - offset } : null
  }
  watch(rows, async () => {
    const held = anchor
    if (!held) return
    await nextTick()
    const index = rows.value.findIndex((r) => r.key === held.key)
    const v = virtualizer.value
    v.getVirtualItems()
    const start = index >= 0 ? v.measurementsCache[index]?.start : undefined
    if (start === undefined) return
    const want = start - held.delta
    if (Math.abs(want - (scroller.value?.scrollTop ?? 0)) <= 1) return
    placed = want
    v.scrollToOffset(want)
  })
  return noteAnchor
}
