// Concurrent uploads and serverPath forwards against one Studio, for crash cases: each upload trickles in
// (so a kill lands mid-body), each forward makes Studio read and encode a document into its attachment
// cache. Records what Studio acknowledged, so a restart can be checked against it. Shared by
// test/integration/attachments-crash.test.ts and the fault suite's upload-kill case.

import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { request } from 'undici'
import { sha256 } from './cache-audit.js'
import { trickle } from './uploads.js'

export interface LoadOptions {
  url: string
  workspace: string
  session: string
  uploads: number
  forwards: number
  /** Upload i sends (i % 5 + 1) × 4 chunks of this size, one every `delayMs`. */
  chunkBytes: number
  delayMs: number
  /** Forwards ask OpenCode for no reply (the message is stored, no model turn is queued). */
  noReply?: boolean
}

export interface Load {
  /** Upload targets (absolute), whatever became of them. */
  targets: string[]
  /** SHA-256 of every payload sent to each target (a target may be written by several loads). */
  sent: Map<string, Set<string>>
  /** Targets Studio answered 200 for, with the SHA-256 of what was sent. */
  completed: Map<string, string>
  /** Forwards that got OpenCode's 200. */
  forwarded: number
  /** Requests cut off (no answer) or answered with something other than 200, by what happened. */
  outcomes: Map<string, number>
  /** Resolves once every request has an answer or has failed. */
  settled: Promise<void>
}

/** Writes the documents forwards attach (doc-<i>.pdf), with fresh content so each load encodes anew. */
export function writeForwardDocs(workspace: string, count: number, bytes: number): void {
  for (let i = 0; i < count; i++) writeFileSync(join(workspace, `doc-${i}.pdf`), Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(bytes)]))
}

export function startLoad(o: LoadOptions, sent: Map<string, Set<string>> = new Map()): Load {
  const q = `directory=${encodeURIComponent(o.workspace)}`
  const load: Load = { targets: [], sent, completed: new Map(), forwarded: 0, outcomes: new Map(), settled: Promise.resolve() }
  const note = (what: string) => load.outcomes.set(what, (load.outcomes.get(what) ?? 0) + 1)
  const uploads = Array.from({ length: o.uploads }, async (_, i) => {
    const data = randomBytes((i % 5 + 1) * 4 * o.chunkBytes)
    const rel = `uploads/file-${i}.txt`
    const target = join(o.workspace, rel)
    const digest = sha256(data)
    load.targets.push(target)
    if (!sent.has(target)) sent.set(target, new Set())
    sent.get(target)!.add(digest)
    try {
      const res = await request(`${o.url}/api/fs/upload?${q}&path=${rel}&overwrite=true`, { method: 'POST', body: trickle(data, o.chunkBytes, o.delayMs) })
      await res.body.dump()
      if (res.statusCode === 200) load.completed.set(target, digest)
      else note(`upload → ${res.statusCode}`)
    } catch {
      note('upload cut off')
    }
  })
  const forwards = Array.from({ length: o.forwards }, async (_, i) => {
    try {
      const res = await request(`${o.url}/api/session/${o.session}/message?${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...(o.noReply ? { noReply: true } : {}), parts: [{ type: 'text', text: `doc ${i}` }, { type: 'file', serverPath: `doc-${i}.pdf` }] }),
      })
      await res.body.dump()
      if (res.statusCode === 200) load.forwarded++
      else note(`forward → ${res.statusCode}`)
    } catch {
      note('forward cut off')
    }
  })
  load.settled = Promise.all([...uploads, ...forwards]).then(() => undefined)
  return load
}
