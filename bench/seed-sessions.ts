// Session populations for the tree benchmarks: created through the real OpenCode's API (10k), or rows
// added straight into a copy of its SQLite database (100k), with the same shape: spread over 20
// directories, a fifth of them children whose parent usually lives in another directory.

import Database from 'better-sqlite3'
import { Pool } from 'undici'

export const DIRECTORIES = 20
/** One session in five is a child. */
const CHILD_EVERY = 5

/** Deterministic pseudo-random numbers, so every run builds the same population. */
export function random(seed: number): (n: number) => number {
  let state = seed >>> 0
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return (state >>> 8) % n
  }
}

export interface Plan {
  dir: number
  parent: number | null
}

/** Where session i goes and which earlier session (if any) is its parent. */
export function plan(count: number, seed = 42): Plan[] {
  const pick = random(seed)
  const out: Plan[] = []
  for (let i = 0; i < count; i++) {
    const child = i > 0 && i % CHILD_EVERY === CHILD_EVERY - 1
    out.push({ dir: pick(DIRECTORIES), parent: child ? pick(i) : null })
  }
  return out
}

/** Creates the sessions through OpenCode (parents before children), a few requests at a time. */
export async function seedThroughOpenCode(url: string, directories: string[], count: number, concurrency = 8): Promise<string[]> {
  const pool = new Pool(url, { connections: concurrency })
  const ids: string[] = new Array(count)
  const steps = plan(count)
  try {
    let next = 0
    const worker = async () => {
      for (;;) {
        const i = next++
        if (i >= count) return
        const step = steps[i]!
        // a child waits until its parent exists
        while (step.parent !== null && ids[step.parent] === undefined) await new Promise((r) => setTimeout(r, 1))
        const res = await pool.request({
          method: 'POST',
          path: `/session?directory=${encodeURIComponent(directories[step.dir]!)}`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `Bench session ${i}`, ...(step.parent !== null ? { parentID: ids[step.parent] } : {}) }),
        })
        const body = (await res.body.json()) as { id: string }
        if (res.statusCode !== 200) throw new Error(`creating session ${i} failed: ${res.statusCode}`)
        ids[i] = body.id
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return ids
  } finally {
    await pool.close()
  }
}

/** Adds sessions as rows to an SQLite copy (the bench owns it; OpenCode never sees it). */
export function seedRows(dbPath: string, directories: string[], existing: string[], count: number): void {
  const db = new Database(dbPath)
  db.pragma('foreign_keys = OFF')
  const insert = db.prepare(
    `INSERT INTO session (id, project_id, parent_id, slug, directory, path, title, version, time_created, time_updated)
     VALUES (?, 'global', ?, ?, ?, ?, ?, '1.18.33', ?, ?)`,
  )
  const steps = plan(existing.length + count, 7)
  const ids = [...existing]
  const base = Date.now()
  db.transaction(() => {
    for (let i = existing.length; i < existing.length + count; i++) {
      const step = steps[i]!
      // OpenCode's ids sort newest first; any unique id works for Studio
      const id = `ses_bench${String(10_000_000 - i).padStart(8, '0')}`
      const dir = directories[step.dir]!
      insert.run(id, step.parent !== null ? ids[step.parent] : null, `bench-${i}`, dir, dir.slice(1), `Bench session ${i}`, base + i, base + i)
      ids.push(id)
    }
  })()
  db.close()
}
