// The slim event stream against the real OpenCode 1.18.33: a slim and a full client on one prompt with a
// 2 MB attachment (relayed to full clients in pieces) and a small one. Both see every event, in the same
// order; the slim one never sees a data URL and receives kilobytes; a slim client resuming from before
// the attachment gets the pruned copies again, without a gap.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpenCode } from '../harness/opencode.js'
import { createSession, ocGet, prompt } from '../support/opencode-api.js'
import { callJson } from '../support/http.js'
import { makePng } from '../support/png.js'
import { openSse, type ReceivedEvent } from '../support/sse.js'
import { startAttachedStudio, type AttachedStudio } from '../support/attached-studio.js'
import type { InProcessStudio } from '../support/studio.js'

let world: AttachedStudio | undefined
let oc: OpenCode
let studio: InProcessStudio
let ws: string

beforeAll(async () => {
  world = await startAttachedStudio({
    prepare(started) {
      oc = started
      ws = oc.scratch.dir('slim')
    },
    args: () => ['--opencode-data-dir', oc.scratch.dataDir],
  })
  studio = world.studio
})

afterAll(async () => {
  await world?.close()
})

const BIG = makePng(820, 820, 5)
const SMALL = makePng(64, 64, 6)
const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`
const idleOf = (id: string) => (e: ReceivedEvent) => e.json?.payload?.type === 'session.idle' && e.json.payload.properties.sessionID === id
const withIds = (events: ReceivedEvent[]) => events.filter((e) => e.id)

describe('slim event stream', () => {
  it('relays every event to slim and full clients in one order, the slim ones pruned', async () => {
    const id = (await createSession(oc, ws, { title: 'slim' })).id
    const full = await openSse(`${studio.url}/api/global/event`)
    const slim = await openSse(`${studio.url}/api/global/event?slim=true`)
    try {
      const before = studio.app.events.hub.seq()
      await prompt(oc, ws, id, [
        { type: 'text', text: 'two images' },
        { type: 'file', mime: 'image/png', filename: 'big.png', url: dataUrl(BIG) },
        { type: 'file', mime: 'image/png', filename: 'small.png', url: dataUrl(SMALL) },
      ])
      await full.waitFor(idleOf(id), 'full idle', 90_000)
      await slim.waitFor(idleOf(id), 'slim idle', 90_000)

      const fullEvents = withIds(full.events).filter((e) => Number(e.id) > before)
      const slimEvents = withIds(slim.events).filter((e) => Number(e.id) > before)
      expect(slimEvents.map((e) => e.id)).toEqual(fullEvents.map((e) => e.id))
      expect(slimEvents.map((e) => e.json?.payload?.type ?? e.json?.type)).toEqual(fullEvents.map((e) => e.json?.payload?.type ?? e.json?.type))

      const fullBytes = fullEvents.reduce((n, e) => n + e.data.length, 0)
      const slimBytes = slimEvents.reduce((n, e) => n + e.data.length, 0)
      expect(fullEvents.some((e) => e.data.includes(BIG.toString('base64').slice(0, 1000)))).toBe(true)
      expect(slimEvents.some((e) => e.data.includes('data:'))).toBe(false)
      expect(fullBytes).toBeGreaterThan(BIG.length)
      expect(slimBytes).toBeLessThan(64 * 1024)

      const files = slimEvents
        .map((e) => e.json.payload)
        .filter((p) => p?.type === 'message.part.updated' && p.properties.part.type === 'file')
        .map((p) => p.properties.part)
      expect(files.map((f) => [f.filename, f.size])).toEqual(
        expect.arrayContaining([
          ['big.png', BIG.length],
          ['small.png', SMALL.length],
        ]),
      )
      for (const f of files) expect(f.url).toBe(`/api/session/${id}/message/${f.messageID}/part/${f.id}/raw`)

      // a slim client resuming from before the attachment gets the same pruned events, without a gap
      const resumed = await openSse(`${studio.url}/api/global/event?slim=true`, { 'last-event-id': String(before) })
      try {
        await resumed.waitFor(idleOf(id), 'resumed idle')
        expect(resumed.events.some((e) => e.event === 'replay-gap')).toBe(false)
        const replayed = withIds(resumed.events).slice(0, slimEvents.length)
        expect(replayed.map((e) => e.data)).toEqual(slimEvents.map((e) => e.data))
      } finally {
        resumed.close()
      }
    } finally {
      full.close()
      slim.close()
    }
  }, 150_000)
})

describe('provider answers keep secrets on the server', () => {
  it.each(['/config/providers', '/provider'])('%s: the API key is gone, the rest is as OpenCode sent it', async (path) => {
    const direct = await ocGet<any>(oc, path, ws)
    expect(JSON.stringify(direct.body)).toContain('mock-key') // OpenCode echoes it
    const res = await callJson(`${studio.url}/api${path}?directory=${encodeURIComponent(ws)}`, { headers: { 'accept-encoding': 'gzip' } })
    expect(res.status).toBe(200)
    expect(res.text).not.toContain('mock-key')
    const list = (body: any) => body.providers ?? body.all
    const mine = list(res.body).find((p: any) => p.id === 'mock')
    const theirs = list(direct.body).find((p: any) => p.id === 'mock')
    expect(mine.options.baseURL).toBe(theirs.options.baseURL)
    const { apiKey: _apiKey, ...rest } = theirs.options
    expect(mine).toEqual({ ...theirs, options: rest, ...(theirs.key !== undefined ? { key: undefined } : {}) })
  })
})
