// OpenCode's web app's home screen, the nearest thing it has to Studio's sidebar: a "Recent sessions"
// list (at most 64 rows) of the projects the user has added. To fill it, the app fetches every session
// of the server (10,000 here, 5,000 a page) on each load and keeps those of added projects.

import { navigateWatching, type UiBrowser } from './browser.js'

export interface OpenCodeHomeReadings {
  /** Navigation start → first session row of the added project painted on the home screen. */
  homeFirstRowMs: number
}

/** One row of the home list (the app's own `data-component` name, stable across its styling). */
const ROW = '[data-component=home-session-row]'

/**
 * A first visit (fresh context, empty HTTP cache) by a user who has added `directory` as a project.
 * The app keeps added projects in localStorage (`server.v3` of OpenCode 1.18.33, the shape its own
 * "Add project" dialog writes); setting it before the app runs spares driving that dialog.
 */
export async function measureOpenCodeHome(browser: UiBrowser, input: { url: string; directory: string; timeoutMs: number }): Promise<OpenCodeHomeReadings> {
  const context = await browser.context()
  const server = { list: [], projects: { local: [{ worktree: input.directory, expanded: true }] }, lastProject: { local: input.directory }, recentlyClosed: {} }
  await context.addInitScript(`localStorage.setItem('opencode.global.dat:server', ${JSON.stringify(JSON.stringify(server))})`)
  try {
    const page = await context.newPage()
    const { row } = await navigateWatching(page, `${input.url}/`, { row: `document.querySelector(${JSON.stringify(ROW)}) !== null` }, input.timeoutMs)
    return { homeFirstRowMs: row }
  } finally {
    await context.close()
  }
}
