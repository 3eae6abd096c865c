/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The web UI in a real browser against Studio + the real OpenCode + the mock LLM: sessions, streaming,
// attachments, permissions and questions, stop, reload, two tabs. Screenshots go to docs/screenshots/.

import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Page } from 'playwright-core'
import { waitFor } from '../harness/wait.js'
import { makePng } from '../support/png.js'
import { seedMessages } from './seed.js'
import { SCREENSHOTS, startWorld, type World } from './env.js'

// Each scenario waits on the real OpenCode and a browser: give them room on a busy machine.
vi.setConfig({ testTimeout: 240_000 })

let world: World
let page: Page
/** The session with the bash tool call (for the dark-mode screenshot). */
let toolSession = ''

beforeAll(async () => {
  world = await startWorld()
  page = await world.page()
}, 400_000)

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(SCREENSHOTS, '..', '..', '.tmp', `fail-${ctx.task.name.slice(0, 40)}.png`) }).catch(() => undefined)
})

afterAll(async () => {
  await world?.close()
})

async function newSessionInProject(p: Page): Promise<string> {
  await p.goto('/')
  const create = p.getByRole('button', { name: `New session in ${world.ws}` })
  if ((await create.count()) === 0) {
    await p.getByRole('button', { name: '+ Add directory' }).click()
    await p.getByRole('textbox', { name: 'Directory path' }).fill(world.ws)
    await p.getByRole('button', { name: 'Add', exact: true }).click()
  }
  await create.click()
  await p.waitForURL(/\/session\/ses_/)
  return p.url().split('/session/')[1]!
}

async function send(p: Page, text: string): Promise<void> {
  const box = p.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<any> {
  const res = await fetch(`${world.studio.url}${path}`, {
    method: init.method ?? 'GET',
    headers: init.body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  })
  return res.json()
}

const q = () => `directory=${encodeURIComponent(world.ws)}`

const lastAssistant = (p: Page) => p.locator('article[data-role="assistant"]').last()

describe('chat', () => {
  it('creates a session in a directory, streams the reply piece by piece, and finishes', async () => {
    const id = await newSessionInProject(page)
    expect(id).toMatch(/^ses_/)
    // The first prompt of a directory also starts OpenCode's instance and names the session, and OpenCode
    // may then send the first pieces in one burst: warm up first, then watch a reply stream.
    await send(page, 'hello stream')
    await lastAssistant(page).locator('.meta').waitFor({ timeout: 150_000 })
    // Record every text the reply shows, as the page paints it.
    await page.evaluate(() => {
      const seen: string[] = ((window as any).__replyTexts = [])
      new MutationObserver(() => {
        const rows = document.querySelectorAll('article[data-role="assistant"] .md')
        const text = (rows[rows.length - 1]?.textContent ?? '').trim()
        if (text && seen[seen.length - 1] !== text) seen.push(text)
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    await send(page, 'hello again [[delay:700]] [[chunks:6]]')
    await expect.poll(() => page.locator('article[data-role="assistant"] .meta').count(), { timeout: 60_000 }).toBe(2)
    const texts: string[] = await page.evaluate(() => (window as any).__replyTexts)
    // Several growing prefixes were painted before the whole text: it streamed.
    const final = texts[texts.length - 1]!
    expect(final).toContain('ECHO: hello again')
    const partials = texts.filter((t) => t.length < final.length && final.startsWith(t))
    expect(partials.length).toBeGreaterThanOrEqual(2)
    expect(await lastAssistant(page).textContent()).toContain('ECHO: hello again')
    await page.screenshot({ path: join(SCREENSHOTS, 'chat.png') })
  })

  it('renders a long streamed reply in pieces: its start is never rendered again, and it ends as the HTML of the whole', async () => {
    // a session of its own: the offline test below reads the first one's last reply
    await newSessionInProject(page)
    await send(page, 'long reply [[long:20000]] [[chunks:500]] [[delay:8]]')
    const reply = () => lastAssistant(page)
    // while it streams, its start is frozen in pieces: mark the first piece's first block
    await expect.poll(() => reply().locator('.md > .piece').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(3)
    await reply().locator('.md > .piece').first().evaluate((piece) => piece.firstElementChild!.setAttribute('data-probe', 'kept'))
    await reply().locator('.meta').waitFor({ timeout: 60_000 })
    await expect.poll(() => reply().locator('.md pre.hljs').count(), { timeout: 20_000 }).toBeGreaterThan(0)
    // the marked element is still there: no update after it was frozen rebuilt it
    expect(await reply().locator('[data-probe="kept"]').count()).toBe(1)
    const pieces = await reply()
      .locator('.md > .piece')
      .evaluateAll((els) => els.map((e) => e.innerHTML).join('').replace(' data-probe="kept"', ''))
    expect(pieces.length).toBeGreaterThan(15_000)
    // after a reload the finished reply is rendered whole, in one piece: the same HTML
    await page.reload()
    await expect.poll(() => reply().locator('.md pre.hljs').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await reply().locator('.md > .piece').count()).toBe(0)
    await expect.poll(() => reply().locator('.md').first().innerHTML(), { timeout: 20_000 }).toBe(pieces)
  })

  it('attaches a PNG by the picker and one by drop: the model gets their exact bytes; a refused type says why', async () => {
    await newSessionInProject(page)
    const picked = makePng(24, 24, 11)
    const dropped = makePng(32, 16, 12)
    await page.locator('[data-testid="file-input"]').setInputFiles({ name: 'picked.png', mimeType: 'image/png', buffer: picked })
    const b64 = dropped.toString('base64')
    const dataTransfer = await page.evaluateHandle((data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
      const dt = new DataTransfer()
      dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }))
      return dt
    }, b64)
    await page.dispatchEvent('form.composer', 'drop', { dataTransfer })
    await waitFor(async () => (await page.locator('.att[data-state="ready"]').count()) === 2, { timeoutMs: 20_000, what: 'two uploads' })
    // A type OpenCode cannot take is refused with its reason, before any upload.
    await page.locator('[data-testid="file-input"]').setInputFiles({ name: 'icon.ico', mimeType: 'image/x-icon', buffer: Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0]) })
    await expect.poll(() => page.getByTestId('composer-notice').textContent()).toContain('ICO icons cannot be sent')
    expect(await page.locator('.att').count()).toBe(2)
    const marker = `pictures-${Date.now()}`
    await send(page, `${marker} two pictures`)
    const seen = await waitFor(() => world.mock.agentRequests().find((r) => r.lastUser?.text.includes(marker)), { timeoutMs: 45_000, what: 'the model call' })
    const digests = seen.lastUser!.attachments.map((a) => a.sha256).sort()
    expect(digests).toEqual([sha(picked), sha(dropped)].sort())
    // The page never holds the bytes as a data URL: thumbnails come from the raw route.
    await lastAssistant(page).locator('.meta').waitFor({ timeout: 45_000 })
    await page.reload()
    const srcs = await page.locator('article[data-role="user"] img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src))
    expect(srcs.length).toBe(2)
    for (const src of srcs) expect(src).toMatch(/\/part\/prt_[^/]+\/raw$/)
    expect(await page.content()).not.toContain('data:image/png;base64')
  })

  it('asks before bash: the card appears, Allow once runs the tool; Deny ends it with an error', async () => {
    const id = await newSessionInProject(page)
    toolSession = id
    await send(page, '[[tool:bash {"command":"echo allowed-ran","description":"Echo a marker"}]]')
    const card = page.locator('[data-kind="permission"]')
    await card.waitFor({ timeout: 45_000 })
    expect(await card.textContent()).toContain('echo allowed-ran')
    expect(await page.title()).toMatch(/^\(1\)/)
    await expect.poll(() => page.locator(`.sidebar [data-session-id="${id}"] .badge`).first().textContent()).toBe('1')
    await page.screenshot({ path: join(SCREENSHOTS, 'attention.png') })
    // after a reload the card is on the first screen from Studio's book, embedded in index.html: OpenCode's
    // own answer (asked for once the page has painted) is held back here, 6 s
    await page.route('**/api/attention', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 6000))
      await route.continue().catch(() => undefined)
    })
    await page.reload()
    await card.waitFor({ timeout: 4000 })
    expect(await card.textContent()).toContain('echo allowed-ran')
    await page.unroute('**/api/attention')
    await card.getByRole('button', { name: 'Allow once' }).click()
    const tool = page.locator('[data-tool="bash"]').first()
    await expect.poll(() => tool.getAttribute('data-status'), { timeout: 45_000 }).toBe('completed')
    await lastAssistant(page).locator('.meta').waitFor({ timeout: 45_000 })
    await tool.getByRole('button').first().click()
    expect(await tool.textContent()).toContain('allowed-ran')
    await page.screenshot({ path: join(SCREENSHOTS, 'tool-expanded.png') })
    expect(await page.locator('[data-kind="permission"]').count()).toBe(0)

    await send(page, '[[tool:bash {"command":"echo denied-ran","description":"Echo another"}]]')
    const second = page.locator('[data-kind="permission"]')
    await second.waitFor({ timeout: 45_000 })
    await second.getByRole('button', { name: 'Deny', exact: true }).click()
    const denied = page.locator('[data-tool="bash"]').nth(1)
    await expect.poll(() => denied.getAttribute('data-status'), { timeout: 45_000 }).toBe('error')
    expect(await page.locator('[data-kind="permission"]').count()).toBe(0)
  })

  it('answers a question: the form takes the answer and the turn completes', async () => {
    await newSessionInProject(page)
    const question = { questions: [{ question: 'Which color?', header: 'Color', options: [{ label: 'Blue', description: 'calm' }, { label: 'Red', description: 'bold' }] }] }
    await send(page, `[[tool:question ${JSON.stringify(question)}]]`)
    const form = page.locator('[data-kind="question"]')
    await form.waitFor({ timeout: 45_000 })
    await form.getByLabel('Blue').check()
    await form.getByRole('button', { name: 'Answer' }).click()
    await expect.poll(() => lastAssistant(page).textContent(), { timeout: 45_000 }).toContain('TOOL RESULT')
    expect(await lastAssistant(page).textContent()).toContain('Blue')
    expect(await page.locator('[data-kind="question"]').count()).toBe(0)
  })

  it("the composer's agent and model say they are loading until OpenCode's lists are in, then offer them", async () => {
    await newSessionInProject(page)
    // OpenCode's models held back (the pickers are asked for once the page is idle after its first paint)
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    await page.route('**/api/config/providers*', async (route) => {
      await held
      await route.continue().catch(() => undefined)
    })
    await page.reload()
    const agent = page.getByRole('combobox', { name: 'Agent' })
    const model = page.getByRole('combobox', { name: 'Model' })
    await expect.poll(() => model.textContent(), { timeout: 10_000 }).toBe('Loading…')
    expect(await agent.textContent()).toBe('Loading…')
    expect(await model.isDisabled()).toBe(true)
    expect(await agent.isDisabled()).toBe(true)
    release()
    await expect.poll(() => model.isDisabled(), { timeout: 15_000 }).toBe(false)
    await page.unroute('**/api/config/providers*')
    expect(await model.textContent()).not.toContain('Loading…')
    expect(await model.inputValue()).toMatch(/^[^/]+\/.+/)
    expect(await agent.isDisabled()).toBe(false)
    expect(await agent.inputValue()).not.toBe('')
  })

  it('renders markdown with raw HTML inert: no script runs, no handler is kept, links open apart', async () => {
    await newSessionInProject(page)
    await send(page, 'See [the docs](https://example.com/docs) <img src="x" onerror="window.__pwned=1"> <script>window.__pwned=2</script> **bold**')
    const link = page.getByTestId('timeline').locator('a[href="https://example.com/docs"]').first()
    await link.waitFor({ timeout: 45_000 }) // the worker's HTML, sanitized, is in
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer')
    await lastAssistant(page).locator('.meta').waitFor({ timeout: 45_000 })
    const timeline = page.getByTestId('timeline')
    expect(await timeline.locator('strong', { hasText: 'bold' }).count()).toBeGreaterThan(0)
    expect(await timeline.locator('script, [onerror]').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  })

  it('stops a slow reply and marks it stopped', async () => {
    await newSessionInProject(page)
    await send(page, 'slow one [[delay:700]] [[chunks:40]]')
    await expect.poll(() => lastAssistant(page).locator('.md').first().textContent().catch(() => ''), { timeout: 45_000 }).toContain('ECHO')
    await page.locator('.composer').getByRole('button', { name: '■ Stop' }).click()
    await lastAssistant(page).getByText('stopped').waitFor({ timeout: 30_000 })
    expect(await page.locator('.composer').getByRole('button', { name: '■ Stop' }).count()).toBe(0)
  })

  it('reloads on /session/<id> into the same session, at the bottom, with the draft kept', async () => {
    const id = await newSessionInProject(page)
    await send(page, 'first [[chunks:2]]')
    await lastAssistant(page).locator('.meta').waitFor({ timeout: 45_000 })
    await page.getByRole('textbox', { name: 'Message' }).fill('a draft that must survive')
    await page.waitForTimeout(400)
    await page.reload()
    expect(page.url()).toContain(`/session/${id}`)
    // the same session: its title as Studio has it now (OpenCode may still be renaming it from the first reply)
    await expect
      .poll(async () => (await page.getByTestId('session-title').textContent()) === ((await (await page.request.get(`/api/session/${id}`)).json()) as { title: string }).title)
      .toBe(true)
    // the draft is read from localStorage once the chat has painted
    await expect.poll(() => page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('a draft that must survive')
    await lastAssistant(page).locator('.meta').waitFor()
    const gap = await page.getByTestId('timeline').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)
    expect(gap).toBeLessThanOrEqual(80)
    // the first screen came with the page (src/http/boot-data.ts): none of what it carried was asked for
    // again (what was not ready within Studio's budget, on a loaded machine, the page asks for itself)
    const { embedded, fetched } = await page.evaluate(() => ({
      embedded: Object.keys(JSON.parse(document.getElementById('studio-boot')?.textContent ?? '{}')),
      fetched: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname + new URL(e.name).search),
    }))
    expect(embedded).toContain('/api/opencode-studio/directories')
    expect(fetched.filter((p) => embedded.includes(p))).toEqual([])
    // and every one was taken by the app: the paths Studio embeds under (src/http/boot-data.ts) are the
    // ones the app asks for (web/src/api/endpoints.ts), to the byte
    const unused = await page.evaluate(() => Object.entries((window as unknown as { __studioBoot?: Record<string, unknown> }).__studioBoot ?? {}).flatMap(([path, answer]) => (answer === undefined ? [] : [path])))
    expect(unused).toEqual([])
  })

  it('shows a session created in one tab in the other', async () => {
    const other = await world.page()
    await other.goto('/')
    await other.locator('.sidebar .dir').first().waitFor()
    const id = await newSessionInProject(page)
    await other.locator(`.sidebar [data-session-id="${id}"]`).first().waitFor({ timeout: 20_000 })
    await other.close()
  })

  it('is driven by the keyboard: the palette opens a session, Alt+Up moves to another; back and forward follow', async () => {
    await page.goto('/')
    await page.locator('.sidebar .dir').first().waitFor()
    await page.keyboard.press('Control+k')
    const palette = page.getByRole('combobox', { name: 'Search sessions and actions' })
    await palette.fill('ECHO: hello stream')
    await palette.press('Enter')
    await page.waitForURL(/\/session\/ses_/)
    await expect.poll(() => page.getByTestId('session-title').textContent()).toContain('ECHO: hello stream')
    const first = page.url()
    await page.keyboard.press('Alt+ArrowUp')
    await expect.poll(() => page.url()).not.toBe(first)
    // the browser's back button shows the session before
    await page.goBack()
    await expect.poll(() => page.getByTestId('session-title').textContent()).toContain('ECHO: hello stream')
    expect(page.url()).toBe(first)
    await page.goForward()
    await expect.poll(() => page.getByTestId('session-title').textContent()).not.toContain('ECHO: hello stream')
    await page.keyboard.press('Control+l')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-input')
  })

  it("renames, archives and deletes sessions from a row's menu, and OpenCode has the change", async () => {
    const make = async (title: string) => (await api(`/api/session?${q()}`, { method: 'POST', body: { title } })).id as string
    const [renamed, archived, deleted] = [await make('menu: to rename'), await make('menu: to archive'), await make('menu: to delete')]
    await page.goto('/')
    const row = (id: string) => page.locator(`.sidebar [data-session-id="${id}"]`).first()
    const menu = async (id: string, item: string) => {
      await row(id).hover()
      await row(id).getByRole('button', { name: 'Session actions' }).click()
      await row(id).getByRole('menuitem', { name: item }).click()
    }

    await menu(renamed, 'Rename')
    const field = row(renamed).getByRole('textbox', { name: 'Session title' })
    await field.fill('menu: renamed')
    await field.press('Enter')
    await expect.poll(() => row(renamed).locator('.title').textContent()).toBe('menu: renamed')
    await expect.poll(async () => (await api(`/api/session/${renamed}?${q()}`)).title).toBe('menu: renamed')

    await menu(archived, 'Archive')
    await row(archived).waitFor({ state: 'detached' })
    await expect.poll(async () => (await api(`/api/session/${archived}?${q()}`)).time?.archived).toBeGreaterThan(0)

    await menu(deleted, 'Delete…')
    const dialog = page.getByRole('alertdialog', { name: 'Delete this session?' })
    await expect.poll(() => dialog.textContent()).toContain('“menu: to delete”')
    await dialog.getByRole('button', { name: 'Delete' }).click()
    await row(deleted).waitFor({ state: 'detached' })
    await expect.poll(async () => (await api(`/api/session/${deleted}?${q()}`)).id).toBeUndefined()
    expect(await row(renamed).count()).toBe(1)
  })

  it('shows the tree in the sidebar, and the same screen in dark mode', async () => {
    const parent = await api(`/api/session?${q()}`, { method: 'POST', body: { title: 'Refactor the parser' } })
    await api(`/api/session?${q()}`, { method: 'POST', body: { title: 'Explore tokenizer (@explore subagent)', parentID: parent.id } })
    await api(`/api/session?${q()}`, { method: 'POST', body: { title: 'Write tests (@general subagent)', parentID: parent.id } })
    await page.goto(`/session/${parent.id}`)
    const row = page.locator(`.sidebar [data-session-id="${parent.id}"]`).first()
    await row.getByRole('button', { name: 'Expand sub-sessions' }).click({ timeout: 20_000 })
    await page.getByText('Write tests (@general subagent)').waitFor()
    await page.screenshot({ path: join(SCREENSHOTS, 'sidebar.png') })
    const dark = await world.page({ dark: true })
    await dark.goto(`/session/${toolSession}`)
    await dark.locator('article[data-role="assistant"] .meta').first().waitFor({ timeout: 20_000 })
    await dark.locator('[data-tool="bash"]').first().getByRole('button').first().click()
    expect(await dark.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 20, 24)')
    await dark.screenshot({ path: join(SCREENSHOTS, 'dark.png') })
    await dark.close()
  })

  it('scrolls a 2,000-message session to its top, loading older pages, without duplicates or gaps', async () => {
    const s = await api(`/api/session?${q()}`, { method: 'POST', body: { title: 'A very long session' } })
    const seeded = seedMessages(world.oc.scratch.dataDir, s.id, 2000)
    await page.goto(`/session/${s.id}`)
    await page.getByText('Seeded message 01999').waitFor({ timeout: 20_000 })
    const seen = new Set<string>()
    const timeline = page.getByTestId('timeline')
    for (let step = 0; step < 2000; step++) {
      const { ids, top, done } = await timeline.evaluate((el) => {
        const ids = [...el.querySelectorAll('article[data-message-id]')].map((a) => a.getAttribute('data-message-id')!)
        const done = el.querySelector('.older')?.textContent?.includes('Start of the session') ?? false
        el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight * 0.8)
        return { ids, top: el.scrollTop, done }
      })
      // What is painted is in order, oldest first, and never twice.
      expect(ids).toEqual([...ids].sort())
      expect(new Set(ids).size).toBe(ids.length)
      for (const id of ids) seen.add(id)
      if (done && top === 0 && seen.has(seeded[0]!)) break
      await page.waitForTimeout(40)
    }
    expect(seen.size).toBe(2000)
    expect([...seen].sort()).toEqual(seeded)
  })
})

describe('when OpenCode goes away', () => {
  it('shows the banner, keeps stored sessions browsable, refuses a prompt clearly, and recovers', async () => {
    await page.goto(`/session/${toolSession}`)
    await lastAssistant(page).locator('.meta').waitFor({ timeout: 20_000 })
    await world.stopOpenCode()
    const banner = page.getByTestId('banner')
    await banner.waitFor({ timeout: 30_000 })
    expect(await banner.textContent()).toMatch(/OpenCode is (unavailable|restarting|starting) — showing stored sessions/)
    // Stored sessions and their messages stay browsable.
    await page.locator('.sidebar a', { hasText: 'ECHO: hello stream' }).first().click()
    await lastAssistant(page).getByText('ECHO: hello again').waitFor({ timeout: 20_000 })
    await page.screenshot({ path: join(SCREENSHOTS, 'offline.png') })
    // A prompt is refused with the reason, and the text stays in the composer.
    await send(page, 'while down')
    await expect.poll(() => page.getByTestId('composer-notice').textContent()).toContain('Not sent')
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('while down')

    await world.startOpenCode()
    await banner.waitFor({ state: 'detached', timeout: 90_000 })
    // the composer asks again for the agents and models OpenCode could not list while it was down
    await expect.poll(() => page.getByRole('combobox', { name: 'Model' }).isDisabled(), { timeout: 30_000 }).toBe(false)
    await page.getByRole('textbox', { name: 'Message' }).press('Enter')
    // OpenCode starts cold: its first prompt takes a while on a busy machine.
    await expect.poll(() => lastAssistant(page).textContent(), { timeout: 150_000 }).toContain('ECHO: while down')
  })
})
