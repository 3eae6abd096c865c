// A bounded map that drops its least recently used entries when full: by count, and optionally by a
// total weight (bytes). Callers that cache derived data clear it themselves when what it was derived
// from changes.

export interface Lru<V> {
  /** The entry, now the most recently used. */
  get(key: string): V | undefined
  /** Stores the entry; one heavier than the whole weight bound is not stored. */
  set(key: string, value: V): void
  clear(): void
  readonly size: number
  /** The entries' total weight (their count when no weigh function is given). */
  readonly weight: number
}

export interface LruWeight<V> {
  max: number
  weigh(value: V): number
}

export function createLru<V>(maxEntries: number, byWeight?: LruWeight<V>): Lru<V> {
  const entries = new Map<string, V>() // insertion order: least recently used first
  const weigh = byWeight ? byWeight.weigh : () => 1
  const maxWeight = byWeight ? byWeight.max : Infinity
  let weight = 0
  const drop = (key: string): void => {
    const old = entries.get(key)
    if (old === undefined) return
    entries.delete(key)
    weight -= weigh(old)
  }
  return {
    get(key) {
      const hit = entries.get(key)
      if (hit !== undefined) {
        entries.delete(key)
        entries.set(key, hit)
      }
      return hit
    },
    set(key, value) {
      drop(key)
      const w = weigh(value)
      if (w > maxWeight) return
      entries.set(key, value)
      weight += w
      while (entries.size > maxEntries || weight > maxWeight) drop(entries.keys().next().value!)
    },
    clear() {
      entries.clear()
      weight = 0
    },
    get size() {
      return entries.size
    },
    get weight() {
      return weight
    },
  }
}
