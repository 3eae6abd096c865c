// Time-of-check-to-time-of-use races against the real OpenCode: while another process keeps swapping a
// workspace file or folder for a symlink leading out, prompts with serverPath parts and uploads run
// three at a time for a few seconds. Nothing from outside may reach OpenCode or the blob store, and
// nothing may be written outside; no request may fail with a 5xx.

import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import type { OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { startFlipper } from '../support/flipper.js'
import { callJson } from '../support/http.js'
import { tempLeftovers, trickle, walk } from '../support/uploads.js'
import { startAttachedStudio, type AttachedStudio } from '../support/attached-studio.js'
import type { InProcessStudio } from '../support/studio.js'

/** How long each race runs (then it runs on until both outcomes were seen). */
const RACE_MS = 3000
const RACE_MAX_MS = 20_000
const WORKERS = 3

let world: AttachedStudio | undefined
let oc: OpenCode
let studio: InProcessStudio
let ws: string
let outside: string
let dataDir: string
const SECRET = `outside-secret-${randomBytes(8).toString('hex')}\n`
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

beforeAll(async () => {
  world = await startAttachedStudio({
    prepare(started) {
      oc = started
      ws = oc.scratch.dir('race-ws')
      outside = oc.scratch.dir('race-outside')
      dataDir = join(oc.scratch.root, 'race-data')
      mkdirSync(join(ws, 'hp', 'racedir'), { recursive: true })
      mkdirSync(join(ws, 'hp', 'updir'), { recursive: true })
      mkdirSync(join(outside, 'dir'), { recursive: true })
      mkdirSync(join(outside, 'updir'), { recursive: true })
      mkdirSync(join(outside, 'mid'), { recursive: true })
      writeFileSync(join(ws, 'hp', 'race.txt'), 'inside')
      writeFileSync(join(ws, 'hp', 'racedir', 'x.txt'), 'inside folder')
      writeFileSync(join(outside, 'secret.txt'), SECRET)
      writeFileSync(join(outside, 'dir', 'x.txt'), SECRET)
    },
    args: () => ['--data-dir', dataDir],
  })
  studio = world.studio
})

afterAll(async () => {
  await world?.close()
})

const q = () => `directory=${encodeURIComponent(ws)}`

/** Runs `once` from WORKERS loops for RACE_MS, then until `done` says every outcome was seen. */
async function hammer(once: () => Promise<number>, done: (statuses: number[]) => boolean): Promise<number[]> {
  const statuses: number[] = []
  const started = Date.now()
  const until = () => Date.now() - started < RACE_MS || (!done(statuses) && Date.now() - started < RACE_MAX_MS)
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (until()) statuses.push(await once())
    }),
  )
  return statuses
}

/** Every blob in the cache, decoded. */
function blobContents(): Buffer[] {
  const blobs = join(dataDir, 'attachments', 'blobs')
  return walk(blobs)
    .filter((p) => !p.split('/').pop()!.startsWith('.ocs-tmp-'))
    .map((p) => Buffer.from(readFileSync(p, 'utf8'), 'base64'))
}

async function storedMessagesText(session: string): Promise<string> {
  const res = await request(`${oc.url}/session/${session}/message?directory=${encodeURIComponent(ws)}`)
  return res.body.text()
}

function expectNoEscape(text: string): void {
  expect(text).not.toContain(SECRET.trim())
  expect(text).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 24))
  expect(blobContents().map((b) => sha(b))).not.toContain(sha(SECRET))
}

describe('serverPath races', () => {
  it.each([
    ['a file flipping to a symlink to an outside file', 'file', 'hp/race.txt', 'hp/race.txt', 'secret.txt'],
    ['a folder flipping to a symlink to an outside folder', 'dir', 'hp/racedir', 'hp/racedir/x.txt', 'dir'],
  ] as const)('%s: nothing from outside reaches OpenCode or the blob store', async (_name, mode, flipped, serverPath, target) => {
    const session = (await callJson(`${studio.url}/api/session?${q()}`, { method: 'POST', body: { title: 'race' } })).body.id as string
    const flipper = startFlipper(mode, join(ws, flipped), join(outside, target))
    const codes = new Map<string, number>()
    let statuses: number[]
    let n = 0
    try {
      statuses = await hammer(
        async () => {
          // both prompt routes expand serverPath parts
          const route = n++ % 2 === 0 ? 'message' : 'prompt_async'
          const res = await callJson(`${studio.url}/api/session/${session}/${route}?${q()}`, {
            method: 'POST',
            body: { noReply: true, parts: [{ type: 'file', mime: 'text/plain', serverPath }] },
          })
          if (res.status >= 400) codes.set(res.body?.code, (codes.get(res.body?.code) ?? 0) + 1)
          return res.status
        },
        (s) => s.some((x) => x < 300) && s.some((x) => x >= 400),
      )
    } finally {
      await flipper.stop()
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([])
    expect(statuses.some((s) => s < 300)).toBe(true) // the inside state was sent
    // the outside state was refused, with a 4xx and a code (which one depends on the moment it was caught)
    expect([...codes.keys()].length).toBeGreaterThan(0)
    for (const code of codes.keys())
      expect(['attachment_outside_workspace', 'attachment_not_found', 'attachment_not_a_file', 'attachment_changed']).toContain(code)
    expectNoEscape(await storedMessagesText(session))
  })
})

describe('upload races', () => {
  it('a target folder flipping to a symlink to an outside folder: nothing is written outside, no 5xx', async () => {
    const flipper = startFlipper('dir', join(ws, 'hp', 'updir'), join(outside, 'updir'))
    let n = 0
    const codes = new Set<string>()
    let statuses: number[]
    try {
      statuses = await hammer(
        async () => {
          const i = n++ % 20
          const res = await callJson(`${studio.url}/api/fs/upload?${q()}&path=hp/updir/u${i}.txt&overwrite=true`, { method: 'POST', raw: `upload ${i}` })
          if (res.status >= 400) codes.add(res.body?.code)
          return res.status
        },
        (s) => s.some((x) => x < 300) && s.some((x) => x >= 400),
      )
    } finally {
      await flipper.stop()
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([])
    expect(statuses.some((s) => s < 300)).toBe(true)
    for (const code of codes) expect(['upload_path_outside_workspace', 'upload_target_changed']).toContain(code)
    expect(readdirSync(join(outside, 'updir'))).toEqual([])
    expect(tempLeftovers(ws)).toEqual([])
  })

  it('a folder renamed and replaced by a symlink mid-body: 409 upload_target_changed, no temp file anywhere', async () => {
    mkdirSync(join(ws, 'hp', 'mid'), { recursive: true })
    const body = randomBytes(256 * 1024)
    const pending = request(`${studio.url}/api/fs/upload?${q()}&path=hp/mid/slow.bin&overwrite=true`, {
      method: 'POST',
      body: trickle(body, 16 * 1024, 50),
    })
    // the temp file exists: the upload is under way
    await waitFor(() => readdirSync(join(ws, 'hp', 'mid')).some((n) => n.startsWith('.ocs-tmp-')), { what: 'upload temp file' })
    renameSync(join(ws, 'hp', 'mid'), join(ws, 'hp', 'mid-old'))
    symlinkSync(join(outside, 'mid'), join(ws, 'hp', 'mid'))
    const res = await pending
    const answer = (await res.body.json()) as { code?: string }
    expect(res.statusCode).toBe(409)
    expect(answer.code).toBe('upload_target_changed')
    await sleep(50)
    expect(readdirSync(join(ws, 'hp', 'mid-old'))).toEqual([])
    expect(readdirSync(join(outside, 'mid'))).toEqual([])
    expect(tempLeftovers(ws, outside)).toEqual([])
    expect(existsSync(join(ws, 'hp', 'mid-old', 'slow.bin'))).toBe(false)
  })
})
