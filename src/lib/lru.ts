// A bounded map that drops its least recently used entry when full. Callers that cache derived data
// clear it themselves when what it was derived from changes.

export interface Lru<V> {
  /** The entry, now the most recently used. */
  get(key: string): V | undefined
  set(key: string, value: V): void
  clear(): void
  readonly size: number
}

export function createLru<V>(maxEntries: number): Lru<V> {
  const entries = new Map<string, V>() // insertion order: least recently used first
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
      entries.delete(key)
      entries.set(key, value)
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
    },
    clear() {
      entries.clear()
    },
    get size() {
      return entries.size
    },
  }
}
