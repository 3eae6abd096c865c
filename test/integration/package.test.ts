// The installable package: `npm pack`, installed globally into an empty prefix, gives an
// `opencode-studio` command that starts Studio with the bundled OpenCode and serves what a checkout
// serves at `/` (the built UI), with no dev dependency and no checkout at run time.

import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { createScratch, type Scratch } from '../harness/scratch.js'
import { trackChild } from '../harness/children.js'
import { stopChild } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { callJson } from '../support/http.js'
import { REPO_ROOT, startStudioInProcess, waitStudioReady } from '../support/studio.js'

const run = promisify(execFile)
/** Installing compiles better-sqlite3 when no prebuilt binary can be fetched: minutes on a busy machine. */
const INSTALL_TIMEOUT_MS = 900_000

let dir: string
let bin: string
let mock: MockLlm
let scratch: Scratch
const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version as string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ocs-package-'))
  // the package ships the UI as built by `npm ci` (prepare); packing must not rebuild it (its output would
  // also run into npm's JSON answer)
  if (!existsSync(join(REPO_ROOT, 'web', 'dist', 'index.html'))) await run('npm', ['run', 'build:web'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 })
  const packed = await run('npm', ['pack', '--pack-destination', dir, '--json', '--ignore-scripts'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 })
  const tarball = join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename)
  const prefix = join(dir, 'prefix')
  // the registry only (its packages are usually in npm's cache already); no checkout, no dev dependencies
  await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: dir,
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  })
  bin = join(prefix, 'bin', 'opencode-studio')
  mock = await startMockLlm()
  scratch = createScratch({ llmBaseUrl: mock.baseUrl })
}, INSTALL_TIMEOUT_MS + 60_000)

afterAll(async () => {
  await mock?.close()
  scratch?.remove()
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
})

describe('the installed package', () => {
  it('answers --version and --help', async () => {
    expect((await run(bin, ['--version'], { cwd: dir })).stdout.trim()).toBe(version)
    const help = (await run(bin, ['--help'], { cwd: dir })).stdout
    expect(help).toContain('Usage:')
    expect(help).toContain('--password')
  })

  it('starts Studio with the bundled OpenCode and serves what a checkout serves at /', async () => {
    // PATH without any `opencode`: the package's own opencode-ai must be found
    const env = { ...scratch.env, PATH: `${join(dir, 'prefix', 'bin')}:/usr/bin:/bin` }
    const child = spawn(bin, ['--port', '0', '--opencode-cwd', scratch.workspace, '--data-dir', join(dir, 'data')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    trackChild(child)
    let output = ''
    child.stdout.on('data', (b: Buffer) => (output += b.toString()))
    child.stderr.on('data', (b: Buffer) => (output += b.toString()))
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const checkout = await startStudioInProcess({ env: scratch.env, args: ['--opencode-port', '9'] })
    try {
      const url = await waitFor(() => /opencode-studio listening on (http:\/\/\S+)/.exec(output)?.[1], { timeoutMs: 60_000, what: `the installed studio to listen: ${output}` })
      const health = await waitStudioReady(url, { timeoutMs: 60_000 })
      expect(health.studio.version).toBe(version)
      expect(health.opencode).toMatchObject({ mode: 'spawn', state: 'ready', version: '1.18.33' })
      expect(health.opencode.binary.path.startsWith(join(dir, 'prefix'))).toBe(true)

      const [installed, fromCheckout] = await Promise.all([callJson(`${url}/`), callJson(`${checkout.url}/`)])
      // the same page, apart from the first screen's data each Studio embeds (its own health and lists)
      const boot = /<script type="application\/json" id="studio-boot">.*?<\/script>/s
      expect(installed.text).toMatch(boot)
      expect({ status: installed.status, type: installed.headers['content-type'], text: installed.text.replace(boot, '') }).toEqual({
        status: fromCheckout.status,
        type: fromCheckout.headers['content-type'],
        text: fromCheckout.text.replace(boot, ''),
      })
      const api = await callJson(`${url}/api/config`)
      expect(api.status).toBe(200)
    } finally {
      await checkout.close()
      await stopChild(child, exited)
    }
  })
})
