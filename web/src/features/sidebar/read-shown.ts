// A directory's first page is asked for when its header is rendered (in view or in the overscan around
// it), not at start for every directory: with 200 of them, the pages the first screen cannot show would
// cost the page (and Studio) their work while it loads, and scrolling down reads them as they come.
// A page that failed is asked again only from its retry row.

import { onBeforeUnmount, onMounted, watchEffect, type Ref } from 'vue'
import type { Virtualizer } from '@tanstack/vue-virtual'
import { dirState, loadDirectory } from '../../stores/sessions'
import { afterPaint } from '../../lib/frame'
import type { Row } from './rows'

export function useReadShownDirectories(rows: Ref<Row[]>, virtualizer: Ref<Virtualizer<HTMLElement, Element>>): void {
  const asked = new Set<string>()
  function readShown(): void {
    const list = rows.value
    const v = virtualizer.value
    const top = v.scrollOffset ?? 0
    const bottom = top + (v.scrollRect?.height ?? 0)
    const due: Array<{ directory: string; shown: boolean }> = []
    for (const item of v.getVirtualItems()) {
      const row = list[item.index]
      if (row?.kind !== 'dir' || row.collapsed || asked.has(row.directory)) continue
      const d = dirState(row.directory)
      if (d && !d.loaded && !d.loading && !d.stale) due.push({ directory: row.directory, shown: item.end > top && item.start < bottom })
    }
    // the ones in view first, then those in the overscan (pages are read two at a time)
    due.sort((a, b) => Number(b.shown) - Number(a.shown))
    for (const d of due) asked.add(d.directory)
    // after this effect: loading changes the rows it reads
    if (due.length) queueMicrotask(() => due.forEach((d) => void loadDirectory(d.directory)))
  }
  // from the first idle moment after the first paint on: the first screen's pages came with index.html
  let stop: (() => void) | null = null
  onMounted(() => afterPaint(() => (stop = watchEffect(readShown))))
  onBeforeUnmount(() => stop?.())
}
