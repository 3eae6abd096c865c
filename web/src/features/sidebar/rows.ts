// The sidebar as a flat list of rows (virtualized): "Needs you" and "Running" on top, then each
// directory with its roots and the expanded children.

import { computed, shallowRef } from 'vue'
import type { Session } from '../../api/types'
import { attention, attentionCounts } from '../../stores/attention'
import { childrenOf, dirs, rootOf, sessions } from '../../stores/sessions'
import { statusMap } from '../../stores/status'

export type Row =
  | { kind: 'section'; key: string; label: string; count: number }
  | { kind: 'dir'; key: string; directory: string; total: number; loading: boolean; stale: string | null; collapsed: boolean }
  | { kind: 'session'; key: string; id: string; session: Session; depth: number; hasChildren: boolean; expanded: boolean }
  | { kind: 'more'; key: string; directory: string; shown: number; total: number; loading: boolean; retry?: boolean }
  | { kind: 'empty'; key: string; text: string }

export const expanded = shallowRef(new Set<string>())
export const collapsedDirs = shallowRef(new Set<string>())
export const searchResults = shallowRef<Session[] | null>(null)

export function toggle(set: typeof expanded, id: string): void {
  const next = new Set(set.value)
  if (next.has(id)) next.delete(id)
  else next.add(id)
  set.value = next
}

export const rows = computed<Row[]>(() => {
  const map = sessions.value
  const kids = childrenOf.value
  const out: Row[] = []
  if (searchResults.value) {
    out.push({ kind: 'section', key: 's:search', label: 'Search results', count: searchResults.value.length })
    for (const s of searchResults.value) out.push({ kind: 'session', key: `r:${s.id}`, id: s.id, session: map.get(s.id) ?? s, depth: 0, hasChildren: false, expanded: false })
    if (searchResults.value.length === 0) out.push({ kind: 'empty', key: 'e:search', text: 'No sessions match' })
    return out
  }
  const needs = [...new Set(attention.value.map((a) => a.rootSessionID ?? rootOf(a.request.sessionID)))].filter((id) => map.has(id))
  if (needs.length) {
    out.push({ kind: 'section', key: 's:needs', label: 'Needs you', count: needs.length })
    for (const id of needs) out.push({ kind: 'session', key: `n:${id}`, id, session: map.get(id)!, depth: 0, hasChildren: false, expanded: false })
  }
  const running = Object.keys(statusMap.value).filter((id) => map.has(id) && !attentionCounts.value.has(id))
  if (running.length) {
    out.push({ kind: 'section', key: 's:running', label: 'Running', count: running.length })
    for (const id of running) out.push({ kind: 'session', key: `b:${id}`, id, session: map.get(id)!, depth: 0, hasChildren: false, expanded: false })
  }
  const open = expanded.value
  const walk = (id: string, depth: number): void => {
    const session = map.get(id)
    if (!session) return
    const children = (kids.get(id) ?? []).filter((c) => map.has(c))
    const isOpen = open.has(id)
    out.push({ kind: 'session', key: `t:${id}`, id, session, depth, hasChildren: children.length > 0, expanded: isOpen })
    if (isOpen && depth < 12) {
      const sorted = children.slice().sort((a, b) => (map.get(b)?.time.created ?? 0) - (map.get(a)?.time.created ?? 0))
      for (const c of sorted) walk(c, depth + 1)
    }
  }
  for (const d of dirs.value) {
    const collapsed = collapsedDirs.value.has(d.directory)
    // until its first page is read, a directory's count is the directory list's (or what events added)
    const total = d.loaded ? d.total : Math.max(d.info?.treeRoots ?? d.info?.roots ?? 0, d.total)
    out.push({ kind: 'dir', key: `d:${d.directory}`, directory: d.directory, total, loading: d.loading, stale: d.stale, collapsed })
    if (collapsed) continue
    const roots = d.roots.filter((id) => map.has(id))
    for (const id of roots) walk(id, 0)
    // its first page is asked for once its header is rendered (Sidebar.vue); until then, what events added
    if (!d.loaded) {
      if (d.stale) out.push({ kind: 'more', key: `m:${d.directory}`, directory: d.directory, shown: roots.length, total, loading: d.loading, retry: true })
      else out.push({ kind: 'empty', key: `e:${d.directory}`, text: 'Loading…' })
      continue
    }
    if (roots.length === 0) out.push({ kind: 'empty', key: `e:${d.directory}`, text: 'No sessions yet' })
    if (d.hasMore) out.push({ kind: 'more', key: `m:${d.directory}`, directory: d.directory, shown: roots.length, total: d.total, loading: d.loading })
  }
  return out
})

/** Session ids in sidebar order (for previous/next session). */
export const sessionOrder = computed(() => {
  const seen = new Set<string>()
  const ids: string[] = []
  for (const r of rows.value) if (r.kind === 'session' && !seen.has(r.id)) (seen.add(r.id), ids.push(r.id))
  return ids
})
