/// <reference lib="dom" />
// The web UI in a real browser against Studio + the real OpenCode + the mock LLM: sessions, streaming,
// attachments, permissions and questions, stop, reload, two tabs. Screenshots go to docs/screenshots/.

import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { SCREENSHOTS, startWorld, type World } from './env.js'

let world: World
let page: Page

beforeAll(async () => {
  world = await startWorld()
  page = await world.page()
}, 120_000)

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

const lastAssistant = (p: Page) => p.locator('article[data-role="assistant"]').last()

describe('chat', () => {
  it('creates a session in a directory, streams the reply piece by piece, and finishes', async () => {
    const id = await newSessionInProject(page)
    expect(id).toMatch(/^ses_/)
    // Record every text the reply shows, as the page paints it.
    await page.evaluate(() => {
      const seen: string[] = ((window as any).__replyTexts = [])
      new MutationObserver(() => {
        const rows = document.querySelectorAll('article[data-role="assistant"] .md')
        const text = (rows[rows.length - 1]?.textContent ?? '').trim()
        if (text && seen[seen.length - 1] !== text) seen.push(text)

      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    await send(page, 'hello stream [[delay:300]] [[chunks:8]]')
    await lastAssistant(page).locator('.meta').waitFor({ timeout: 45_000 })
    const texts: string[] = await page.evaluate(() => (window as any).__replyTexts)
    // Several growing prefixes were painted before the whole text: it streamed.
    const final = texts[texts.length - 1]!
    expect(final).toContain('ECHO: hello stream')
    const partials = texts.filter((t) => t.length < final.length && final.startsWith(t))
    expect(partials.length).toBeGreaterThanOrEqual(2)
    expect(await lastAssistant(page).textContent()).toContain('ECHO: hello stream')
    await page.screenshot({ path: join(SCREENSHOTS, 'chat.png') })
  })
})
