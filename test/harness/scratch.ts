// A throw-away home for one OpenCode: temp HOME and XDG dirs, a global config that points OpenCode at the
// mock LLM, a workspace folder, and the clean environment that keeps OpenCode offline
// (shared/opencode-reference.md §1).

import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Scratch {
  root: string
  home: string
  workspace: string
  /** `$XDG_DATA_HOME/opencode`: where OpenCode keeps opencode.db (or legacy storage/). */
  dataDir: string
  configFile: string
  /** Environment for an `opencode serve` child (or for a Studio child that spawns one). */
  env: Record<string, string>
  /** Makes `<workspace>/<name>` and returns its absolute path. */
  dir(name: string): string
  remove(): void
}

export interface ScratchOptions {
  /** The mock LLM's OpenAI base URL, e.g. http://127.0.0.1:PORT/v1 */
  llmBaseUrl: string
  password?: string
  prefix?: string
}

/** A loopback port nothing listens on: npm inside OpenCode gives up at once instead of going online (§1.3). */
const CLOSED_REGISTRY = 'http://127.0.0.1:9/'

export function createScratch(options: ScratchOptions): Scratch {
  const root = realpathSync(mkdtempSync(join(tmpdir(), options.prefix ?? 'ocs-test-')))
  const home = join(root, 'home')
  const xdg = join(root, 'xdg')
  const workspace = join(root, 'workspace')
  for (const d of [home, workspace, ...['data', 'config', 'cache', 'state'].map((k) => join(xdg, k))]) {
    mkdirSync(d, { recursive: true })
  }
  const configDir = join(xdg, 'config', 'opencode')
  mkdirSync(configDir, { recursive: true })
  const configFile = join(configDir, 'opencode.json')
  writeFileSync(configFile, JSON.stringify(openCodeConfig(options.llmBaseUrl), null, 2))

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_DATA_HOME: join(xdg, 'data'),
    XDG_CONFIG_HOME: join(xdg, 'config'),
    XDG_CACHE_HOME: join(xdg, 'cache'),
    XDG_STATE_HOME: join(xdg, 'state'),
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
    npm_config_registry: CLOSED_REGISTRY,
  }
  if (options.password) env.OPENCODE_SERVER_PASSWORD = options.password

  return {
    root,
    home,
    workspace,
    dataDir: join(xdg, 'data', 'opencode'),
    configFile,
    env,
    dir(name) {
      const path = join(workspace, name)
      mkdirSync(path, { recursive: true })
      return path
    },
    remove() {
      // a process that was just stopped may still be flushing files: retry briefly
      rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
    },
  }
}

/** The global OpenCode config known to work offline with the mock (opencode-reference.md §1.1). */
export function openCodeConfig(llmBaseUrl: string): Record<string, unknown> {
  return {
    $schema: 'https://opencode.ai/config.json',
    model: 'mock/mock-model',
    small_model: 'mock/mock-model',
    enabled_providers: ['mock'],
    autoupdate: false,
    share: 'disabled',
    lsp: false,
    formatter: false,
    permission: { edit: 'allow', bash: 'allow', webfetch: 'deny', external_directory: 'allow' },
    provider: {
      mock: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Mock LLM',
        options: { baseURL: llmBaseUrl, apiKey: 'mock-key' },
        models: {
          'mock-model': {
            name: 'Mock Model',
            attachment: true,
            tool_call: true,
            modalities: { input: ['text', 'image', 'pdf'], output: ['text'] },
            limit: { context: 1_000_000, output: 8192 },
          },
        },
      },
    },
  }
}
