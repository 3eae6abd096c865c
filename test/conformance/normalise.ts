// Makes two sides' answers comparable: what differs only because the sides are two runs (ids, times, slugs,
// scratch paths, ports) becomes a placeholder; everything else is kept as it was answered.

/** OpenCode's id prefixes (sessions, messages, parts, events, permission and question requests, …). */
const ID_RE = /\b(ses|msg|prt|evt|per|que|prj|pty|wrk|snp|err)_[A-Za-z0-9]{8,}\b/g
/** The mock LLM's tool-call ids count every call it has answered, so they depend on history. */
const CALL_RE = /\bcall_mock_\d+\b/g
const ISO_RE = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g
/** Epoch milliseconds from 2001 to 2286: a time wherever it appears. */
const isEpochMs = (n: number) => Number.isInteger(n) && n > 1e12 && n < 1e13
/** Random per run, compared only for presence. */
const RANDOM_KEYS = new Set(['slug'])

export interface Names {
  /** Known ids (`ses_…` → `alpha`), so a diff names what it is about. */
  ids: Map<string, string>
  /** Strings that differ by where a side runs (`/tmp/ocs-test-X` → `<root>`), longest first. */
  replacements: Array<[string, string]>
}

export function normalise(value: unknown, names: Names): unknown {
  const unknownIds = new Map<string, string>()
  const counters = new Map<string, number>()
  const id = (raw: string, prefix: string): string => {
    const known = names.ids.get(raw)
    if (known) return `<${known}>`
    let label = unknownIds.get(raw)
    if (!label) {
      const n = (counters.get(prefix) ?? 0) + 1
      counters.set(prefix, n)
      label = `<${prefix}#${n}>`
      unknownIds.set(raw, label)
    }
    return label
  }
  const text = (s: string): string => {
    let out = s
    for (const [from, to] of names.replacements) out = out.split(from).join(to)
    return out
      .replace(ID_RE, (raw, prefix: string) => id(raw, prefix))
      .replace(CALL_RE, (raw) => id(raw, 'call'))
      .replace(ISO_RE, '<iso>')
  }
  const walk = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string') return key !== null && RANDOM_KEYS.has(key) ? '<random>' : text(v)
    if (typeof v === 'number') return isEpochMs(v) ? '<time>' : v
    if (Array.isArray(v)) return v.map((x) => walk(x, null))
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) out[text(k)] = walk(x, k)
      return out
    }
    return v
  }
  return walk(value, null)
}
