// What `opencode-studio doctor` prints and GET /api/opencode-studio/diagnostics answers: versions, every
// path Studio and OpenCode use (exists? writable?), the storage layout found, and each setting in effect
// with where it came from. Secrets appear only as set/unset.

import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OPTIONS, type Config, type SettingSource } from '../config/index.js'
import { STUDIO_VERSION } from '../lib/version.js'
import { detectStorage } from '../storage/index.js'
import { resolveOpenCodeBinary } from '../upstream/index.js'

export interface PathReport {
  name: string
  path: string
  kind: 'file' | 'directory' | 'missing'
  /** Writable now; for a missing path, whether it could be created (its nearest existing parent is writable). */
  writable: boolean
  /** Studio only reads it (OpenCode's storage). */
  readOnly?: boolean
}

export interface SettingReport {
  key: string
  flag: string
  env: string
  /** The value in effect; secrets as "set" / "unset". */
  value: unknown
  source: SettingSource
}

export interface Diagnostics {
  versions: { studio: string; node: string; opencode: string | null; platform: string; arch: string }
  opencode: { mode: string; binary: string | null; binarySource: string | null; binaryError?: string; live?: unknown }
  storage: { layout: string; location: string; live?: unknown }
  configFile: string | null
  paths: PathReport[]
  settings: SettingReport[]
}

export interface LiveState {
  /** The bridge's snapshot: state, version, pid, url. */
  opencode?: { version: string | null } & Record<string, unknown>
  /** The session index's status. */
  storage?: unknown
}

const UI_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url))

/** `live` is what a running Studio knows; without it (doctor), OpenCode's version is asked of the binary. */
export function collectDiagnostics(config: Config, live: LiveState = {}): Diagnostics {
  const oc = config.opencode
  const env = oc.env
  const home = env.HOME ?? ''
  const xdg = (name: string, fallback: string) => (env[name]?.startsWith('/') ? env[name]! : join(home, fallback))
  const resolved = resolveOpenCodeBinary({ configured: oc.bin, envPath: env.PATH })
  const binary = resolved.ok ? resolved.binary : null
  const storage = detectStorage(oc.dataDir)
  const opencodeVersion = live.opencode ? live.opencode.version : binary && oc.mode === 'spawn' ? askVersion(binary.path) : null

  const paths: PathReport[] = [
    report('studio data dir', config.dataDir),
    report('studio database', join(config.dataDir, 'studio.db')),
    report('attachment cache', join(config.dataDir, 'attachments')),
    report('login lockout state', join(config.dataDir, 'auth-lockout.json')),
    report('config file', config.configFile ?? join(xdg('XDG_CONFIG_HOME', '.config'), 'opencode-studio', 'config.json')),
    report('web UI', UI_DIST),
    report('opencode data dir', oc.dataDir, true),
    report('opencode storage', storage.location, true),
    report('opencode config dir', join(xdg('XDG_CONFIG_HOME', '.config'), 'opencode')),
    report('opencode cache dir', join(xdg('XDG_CACHE_HOME', '.cache'), 'opencode')),
    report('opencode state dir', join(xdg('XDG_STATE_HOME', join('.local', 'state')), 'opencode')),
    report('opencode working dir', oc.cwd),
  ]
  if (binary) paths.push(report('opencode binary', binary.path))

  return {
    versions: { studio: STUDIO_VERSION, node: process.versions.node, opencode: opencodeVersion, platform: process.platform, arch: process.arch },
    opencode: {
      mode: oc.mode,
      binary: binary?.path ?? null,
      binarySource: binary?.source ?? null,
      ...(resolved.ok ? {} : { binaryError: resolved.message }),
      ...(live.opencode ? { live: live.opencode } : {}),
    },
    storage: { layout: storage.kind, location: storage.location, ...(live.storage ? { live: live.storage } : {}) },
    configFile: config.configFile,
    paths,
    settings: OPTIONS.map((o) => ({
      key: o.key,
      flag: `--${o.flag}`,
      env: o.env,
      value: o.kind === 'secret' ? (valueAt(config, o.key) == null ? 'unset' : 'set') : (valueAt(config, o.key) ?? null),
      source: config.sources[o.key] ?? 'default',
    })),
  }
}

function valueAt(config: Config, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o === null || typeof o !== 'object' ? undefined : (o as Record<string, unknown>)[k]), config)
}

function report(name: string, path: string, readOnly = false): PathReport {
  let kind: PathReport['kind'] = 'missing'
  try {
    kind = statSync(path).isDirectory() ? 'directory' : 'file'
  } catch {
    // missing (or unreadable: reported as missing, and not writable)
  }
  return { name, path, kind, writable: writable(path, kind), ...(readOnly ? { readOnly } : {}) }
}

function writable(path: string, kind: PathReport['kind']): boolean {
  let target = path
  if (kind === 'missing') {
    while (!existsSync(target) && dirname(target) !== target) target = dirname(target)
  }
  try {
    accessSync(target, constants.W_OK)
    return true
  } catch {
    return false
  }
}

function askVersion(bin: string): string | null {
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 15_000, env: { ...process.env, OPENCODE_DISABLE_AUTOUPDATE: '1' } })
  const text = `${out.stdout ?? ''}`.trim()
  return out.status === 0 && /^\d+\.\d+/.test(text) ? text.split('\n')[0]! : null
}

/** The doctor's human-readable form. */
export function formatDiagnostics(d: Diagnostics): string {
  const lines: string[] = []
  lines.push(`opencode-studio ${d.versions.studio} (node ${d.versions.node}, ${d.versions.platform}/${d.versions.arch})`)
  lines.push(`opencode ${d.versions.opencode ?? '(version unknown)'}: ${d.opencode.mode} mode, binary ${d.opencode.binary ?? `not found: ${d.opencode.binaryError}`}${d.opencode.binarySource ? ` (${d.opencode.binarySource})` : ''}`)
  lines.push(`storage: ${d.storage.layout} at ${d.storage.location}`)
  lines.push(`config file: ${d.configFile ?? '(none)'}`)
  lines.push('', 'Paths:')
  for (const p of d.paths) {
    const state = p.kind === 'missing' ? `missing${p.writable ? ' (can be created)' : ' (cannot be created)'}` : `${p.kind}, ${p.writable ? 'writable' : 'not writable'}`
    lines.push(`  ${p.name.padEnd(22)} ${p.path}  [${state}${p.readOnly ? ', read only by Studio' : ''}]`)
  }
  lines.push('', 'Settings (source: flag, env, file or default):')
  for (const s of d.settings) lines.push(`  ${s.key.padEnd(28)} ${JSON.stringify(s.value)}  [${s.source}]`)
  return `${lines.join('\n')}\n`
}
