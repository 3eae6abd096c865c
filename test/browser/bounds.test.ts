/// <reference lib="dom" />
// The UI's structural bounds at scale (issue 11; ui-spec.md F.1, F.8 U1/U6), as tests that count rather
// than time: with 10,000 sessions in 200 directories and a 2,000-message session (tool outputs of 100 KB,
// images as data URLs in storage), the sidebar mounts at most 80 rows, the timeline stays under 10,000
// DOM nodes, the page never holds a data: URL or a tool output over Studio's prune limit, and no more
// than 8 timelines are kept. Timings for the same dataset are in `npm run bench -- ui`.

import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Page } from 'playwright-core'
import { seedUiDataset, UI_DATASET, type SeededUiDataset } from '../../bench/ui-dataset.js'
import { waitFor } from '../harness/wait.js'
import { startWorld, type World } from './env.js'

vi.setConfig({ testTimeout: 240_000 })

const MAX_SIDEBAR_ROWS = 80
const MAX_TIMELINE_NODES = 10_000
/** Studio's default prune limit (events.pruneBytes). */
const PRUNE_BYTES = 8 * 1024
/** MAX_TIMELINES in web/src/stores/messages.ts. */
const MAX_TIMELINES = 8

interface Stats {
  timelines: number
  sessions: string[]
  parts: number
  dataUrls: number
  longestToolOutput: number
}

let world: World
let page: Page
let data: SeededUiDataset

beforeAll(async () => {
  world = await startWorld()
  // the full session count; fewer and smaller images than the benchmark (the bound is the same)
  const db = new Database(join(world.oc.scratch.dataDir, 'opencode.db'))
  db.pragma('busy_timeout = 5000')
  data = seedUiDataset(db, world.oc.scratch.dir('ui-scale'), { ...UI_DATASET, images: 6, imageBytes: 256 * 1024 })
  db.close()
  // Studio's index picks the rows up from OpenCode's database
  await waitFor(
    async () => {
      const res = await fetch(`${world.studio.url}/api/opencode-studio/directories`)
      return res.ok && ((await res.json()) as unknown[]).length >= UI_DATASET.directories
    },
    { timeoutMs: 60_000, what: "Studio's index to list the seeded directories" },
  )
  page = await world.page()
}, 400_000)

afterAll(async () => {
  await world?.close()
})

const stats = (): Promise<Stats> => page.evaluate('window.__studio.timelineStats()') as Promise<Stats>

describe('at 10,000 sessions and 2,000 messages', () => {
  it("reads a directory's sessions when the sidebar shows it: none at start beyond the first screen, the last ones when scrolled to", async () => {
    const asked: string[] = []
    const onRequest = (r: { url(): string }): void => {
      const url = new URL(r.url())
      if (url.pathname === '/api/session' && url.searchParams.has('directory')) asked.push(url.searchParams.get('directory')!)
    }
    page.on('request', onRequest)
    try {
      await page.goto('/')
      await page.locator('nav.sidebar .row').first().waitFor({ timeout: 30_000 })
      await page.waitForTimeout(1500)
      // the first two directories' pages come with index.html and fill the view
      expect(asked).toEqual([])
      const scroller = page.locator('nav.sidebar [data-testid=sidebar-scroll]')
      const last = await waitFor(
        async () => {
          const state = (await page.evaluate(() => {
            const el = document.querySelector('nav.sidebar [data-testid=sidebar-scroll]')!
            el.scrollTop = el.scrollHeight
            const dirs = (window as unknown as { __studio: { dirs: { value: Array<{ directory: string; loaded: boolean; roots: string[] }> } } }).__studio.dirs.value
            return dirs.at(-1)!
          })) as { directory: string; loaded: boolean; roots: string[] }
          return state.loaded ? state : undefined
        },
        { timeoutMs: 30_000, intervalMs: 200, what: "the last directory's first page" },
      )
      expect(last.roots.length).toBeGreaterThan(0)
      expect(asked).toContain(last.directory)
      // its sessions are the rows at the end of the list
      await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight))
      await page.locator(`nav.sidebar [data-session-id="${last.roots.at(-1)}"]`).waitFor({ timeout: 10_000 })
      // the directories scrolled past without being shown were not read
      expect(new Set(asked).size).toBeLessThan(20)
      expect(await page.evaluate(() => (window as unknown as { __studio: { dirs: { value: unknown[] } } }).__studio.dirs.value.length)).toBe(UI_DATASET.directories)
    } finally {
      page.off('request', onRequest)
    }
  })

  it('keeps the directory in view in its place while the pages of those above it are read', async () => {
    await page.goto('/')
    await page.locator('nav.sidebar .row').first().waitFor({ timeout: 30_000 })
    const scroller = page.locator('nav.sidebar [data-testid=sidebar-scroll]')
    // into the directories not read yet (the first two fill ~100 rows at the top), a header at the top of
    // the view: the row that is held there
    const seen = await scroller.evaluate(async (el) => {
      const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
      el.scrollTop = el.scrollHeight / 2
      await frames()
      const view = el.getBoundingClientRect()
      const header = [...el.querySelectorAll<HTMLElement>('.dir')].find((h) => h.getBoundingClientRect().top >= view.top)!
      el.scrollTop += header.getBoundingClientRect().top - view.top
      await frames()
      return { name: header.title, top: header.getBoundingClientRect().top - view.top }
    })
    const where = async () =>
      scroller.evaluate((el, name) => {
        const header = [...el.querySelectorAll<HTMLElement>('.dir')].find((h) => h.title === name)
        const dirs = (window as unknown as { __studio: { dirs: { value: Array<{ directory: string; loaded: boolean }> } } }).__studio.dirs.value
        const i = dirs.findIndex((d) => d.directory === name)
        return { top: header ? header.getBoundingClientRect().top - el.getBoundingClientRect().top : null, loaded: dirs[i]!.loaded, aboveLoaded: dirs[i - 1]!.loaded }
      }, seen.name)
    // its page and the page of the one above it (in the overscan) are read: rows arrive above it
    const after = await waitFor(async () => {
      const w = await where()
      return w.loaded && w.aboveLoaded ? w : undefined
    }, { timeoutMs: 20_000, what: 'the pages of the directory in view and of the one above it' })
    await page.waitForTimeout(300)
    const settled = await where()
    expect(after.top).not.toBeNull()
    expect(Math.abs(settled.top! - seen.top)).toBeLessThanOrEqual(2)
  })

  it('the sidebar mounts at most 80 rows wherever it is scrolled', async () => {
    await page.goto('/')
    await page.locator('nav.sidebar .vrow').first().waitFor({ timeout: 30_000 })
    const scroller = page.locator('nav.sidebar [data-testid=sidebar-scroll]')
    const counts: number[] = []
    let reachable = 0
    for (let step = 0; step < 400; step++) {
      const { mounted, atEnd, total } = await scroller.evaluate((el) => {
        const mounted = el.querySelectorAll('.vrow').length
        const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 2
        el.scrollTop += el.clientHeight
        return { mounted, atEnd, total: el.scrollHeight }
      })
      counts.push(mounted)
      reachable = total
      if (atEnd) break
      await page.waitForTimeout(30)
    }
    expect(Math.max(...counts)).toBeLessThanOrEqual(MAX_SIDEBAR_ROWS)
    expect(Math.min(...counts)).toBeGreaterThan(0)
    // the bound means something: what can be scrolled through is far more than 80 rows' height
    expect(reachable).toBeGreaterThan(MAX_SIDEBAR_ROWS * 40)
  })

  it('the long session stays under 10,000 timeline nodes, holds no data: URL and no unpruned output', async () => {
    const long = data.longSession
    await page.goto(`/session/${long.id}`)
    const timeline = page.getByTestId('timeline')
    await timeline.locator('article[data-message-id]').first().waitFor({ timeout: 30_000 })
    const nodes: number[] = []
    for (let step = 0; step < 300; step++) {
      const { count, top, done } = await timeline.evaluate((el) => {
        const count = el.querySelectorAll('*').length
        const done = el.querySelector('.older')?.textContent?.includes('Start of the session') ?? false
        el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight * 3)
        return { count, top: el.scrollTop, done }
      })
      nodes.push(count)
      if (done && top === 0) break
      await page.waitForTimeout(40)
    }
    const s = await stats()
    // it did page back through the whole session
    expect(s.sessions).toContain(long.id)
    expect(s.parts).toBeGreaterThanOrEqual(long.messageIds.length)
    expect(Math.max(...nodes)).toBeLessThanOrEqual(MAX_TIMELINE_NODES)
    expect(s.dataUrls).toBe(0)
    expect(s.longestToolOutput).toBeGreaterThan(0)
    expect(s.longestToolOutput).toBeLessThanOrEqual(PRUNE_BYTES)
    // nor does the DOM hold an image's bytes
    expect(await page.locator('img[src^="data:"]').count()).toBe(0)
  })

  it('keeps at most 8 timelines however many sessions are opened', async () => {
    const roots = (await (
      await fetch(`${world.studio.url}/api/session?directory=${encodeURIComponent(data.longSession.directory)}&roots=true&limit=14&fields=compact`)
    ).json()) as Array<{ id: string }>
    const ids = roots.map((r) => r.id).filter((id) => id !== data.longSession.id)
    expect(ids.length).toBeGreaterThan(MAX_TIMELINES + 2)
    const kept: number[] = []
    for (const id of ids) {
      await page.evaluate((sid) => {
        history.pushState(history.state, '', `/session/${sid}`)
        dispatchEvent(new PopStateEvent('popstate', { state: history.state }))
      }, id)
      await waitFor(async () => (await stats()).sessions.includes(id), { timeoutMs: 20_000, what: `the timeline of ${id}` })
      kept.push((await stats()).timelines)
    }
    expect(Math.max(...kept)).toBeLessThanOrEqual(MAX_TIMELINES)
    expect(kept.at(-1)).toBe(MAX_TIMELINES)
  })
})
