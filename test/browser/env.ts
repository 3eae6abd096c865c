// The browser tests' world: the mock LLM, the real OpenCode (bash permission set to "ask"), Studio in
// this process serving web/dist, and Debian's Chromium driven by playwright-core (no browser download).

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { createScratch } from '../harness/scratch.js'
import { attachArgs, REPO_ROOT, startStudioInProcess, type InProcessStudio } from '../support/studio.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** OpenCode can take over 30 s to start on a machine shared by many test runs. */
const START_MS = 90_000
export const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots')

/** Builds web/dist when it is missing (npm ci builds it; a fresh checkout may not have). */
export function ensureUiBuilt(): void {
  if (existsSync(join(REPO_ROOT, 'web', 'dist', 'index.html'))) return
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts'], { cwd: REPO_ROOT, stdio: 'ignore' })
}

export interface World {
  mock: MockLlm
  oc: OpenCode
  studio: InProcessStudio
  /** The workspace the tests create sessions in. */
  ws: string
  browser: BrowserContext
  profile: string
  page(options?: { dark?: boolean; width?: number }): Promise<Page>
  /** Stops OpenCode (Studio stays up). */
  stopOpenCode(): Promise<void>
  /** Starts OpenCode again on the same port and data. */
  startOpenCode(): Promise<void>
  close(): Promise<void>
}

export async function startWorld(options: { prepareData?: (dataDir: string) => void } = {}): Promise<World> {
  ensureUiBuilt()
  const mock = await startMockLlm()
  const scratch = createScratch({ llmBaseUrl: mock.baseUrl, prefix: 'ocs-browser-' })
  // bash asks, so the attention dock has something to show; everything else stays allowed.
  const config = JSON.parse(readFileSync(scratch.configFile, 'utf8'))
  config.permission = { ...config.permission, bash: 'ask' }
  writeFileSync(scratch.configFile, JSON.stringify(config, null, 2))
  options.prepareData?.(scratch.dataDir)
  const oc = await startWithRetry(() => startOpenCode({ llmBaseUrl: mock.baseUrl, scratch, startTimeoutMs: START_MS }))
  const port = oc.port
  const ws = scratch.dir('project')
  const studio = await startStudioInProcess({
    env: scratch.env,
    args: [...attachArgs(oc), '--data-dir', join(scratch.root, 'studio-data'), '--opencode-cwd', ws, '--opencode-data-dir', scratch.dataDir],
  })
  await studio.app.bridge.whenReady(20_000)

  const profile = mkdtempSync(join(tmpdir(), 'ocs-chromium-'))
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    baseURL: studio.url,
  })
  mkdirSync(SCREENSHOTS, { recursive: true })

  const world: World = {
    mock,
    oc,
    studio,
    ws,
    browser,
    profile,
    async page(opts = {}) {
      const page = await browser.newPage()
      if (opts.dark) await page.emulateMedia({ colorScheme: 'dark' })
      else await page.emulateMedia({ colorScheme: 'light' })
      if (opts.width) await page.setViewportSize({ width: opts.width, height: 800 })
      return page
    },
    async stopOpenCode() {
      await world.oc.stop()
    },
    async startOpenCode() {
      world.oc = await startWithRetry(() => startOpenCode({ llmBaseUrl: mock.baseUrl, scratch, port, startTimeoutMs: START_MS }))
    },
    async close() {
      await browser.close().catch(() => undefined)
      await studio.close().catch(() => undefined)
      await world.oc.stop().catch(() => undefined)
      await mock.close().catch(() => undefined)
      scratch.remove()
      rmSync(profile, { recursive: true, force: true })
    },
  }
  return world
}

/** OpenCode's start-up can outlast the harness's 30 s on a machine shared by many test runs: one retry. */
async function startWithRetry(start: () => Promise<OpenCode>): Promise<OpenCode> {
  try {
    return await start()
  } catch {
    return start()
  }
}
