// Loads Studio's config once: flags > environment > config file > defaults, every value validated, the
// result deep-frozen. The only module that reads the environment; parts receive the Config.

import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CONFIG_FILE_OPTION, OPTIONS, type OptionKey, type OptionSpec } from './options.js'
import { parsePath, parseValue, type PathContext } from './parse-value.js'
import type { Config, SettingSource } from './types.js'
import { parsePasswordHash } from '../lib/password.js'
import { isRecord } from '../lib/is-record.js'

export interface LoadInput {
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  cwd: string
}

export type LoadResult =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'config'; config: Config; warnings: string[] }

/** Bad settings: every problem found, each naming where the value came from. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

type Source = { value: unknown; from: string; kind: Exclude<SettingSource, 'default'> }

const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024
const STUDIO_SECRET_ENV = new Set(['OPENCODE_STUDIO_PASSWORD', 'OPENCODE_STUDIO_PASSWORD_HASH'])

export function loadConfig(input: LoadInput): LoadResult {
  const env = cleanEnv(input.env)
  const home = env.HOME || homedir()
  const ctx: PathContext = { cwd: input.cwd, home }
  const problems: string[] = []

  const flags = readFlags(input.argv, problems)
  if (flags.help) return { kind: 'help' }
  if (flags.version) return { kind: 'version' }

  const configFile = locateConfigFile(flags.values, env, ctx, problems)
  const fileValues = configFile ? readConfigFile(configFile, problems) : new Map<string, unknown>()

  const values = new Map<OptionKey, unknown>()
  const sources: Record<string, SettingSource> = {}
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    const source = pick(spec, flags.values, env, fileValues, configFile)
    sources[spec.key] = source?.kind ?? 'default'
    if (!source) continue
    const parsed = parseValue(spec.kind, source.value, ctx)
    if (parsed.ok) values.set(spec.key as OptionKey, parsed.value)
    else problems.push(`${source.from}: expected ${parsed.expected}, got ${show(spec, source.value)}`)
  }

  const get = <T>(key: OptionKey): T | undefined => values.get(key) as T | undefined
  const attachPort = get<number>('opencode.port')
  const attachHost = get<string>('opencode.host')
  if (attachHost !== undefined && attachPort === undefined) {
    problems.push('--opencode-host (OPENCODE_HOST) needs --opencode-port (OPENCODE_PORT) to attach to an existing OpenCode')
  }
  if (attachPort === 0) problems.push('--opencode-port (OPENCODE_PORT) must name a real port, not 0')
  const password = get<string>('password') ?? null
  const passwordHash = get<string>('passwordHash') ?? null
  const insecureNoPassword = get<boolean>('insecureNoPassword') ?? false
  if (password !== null && passwordHash !== null) problems.push('set either a password (--password) or a password hash (passwordHash), not both')
  if (passwordHash !== null && !parsePasswordHash(passwordHash)) {
    problems.push('passwordHash: expected a hash printed by `opencode-studio hash-password` (scrypt$N$r$p$salt$hash)')
  }
  const host = get<string>('host') ?? '127.0.0.1'
  if (!isLoopbackHost(host) && password === null && passwordHash === null && !insecureNoPassword) {
    problems.push(
      `refusing to listen on ${host} without a password: anyone who can reach it could read every session and run commands. ` +
        'Set --password (OPENCODE_STUDIO_PASSWORD) or passwordHash, or pass --insecure-no-password if something in front of Studio authenticates.',
    )
  }
  if (problems.length > 0) throw new ConfigError(problems)

  const warnings: string[] = []
  const mode = attachPort === undefined ? 'spawn' : 'attach'
  if (mode === 'attach' && get('opencode.bin') !== undefined) {
    warnings.push('--opencode-bin is ignored: Studio attaches to an existing OpenCode (OPENCODE_PORT is set)')
  }

  const xdgData = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share')
  const config: Config = {
    host,
    port: get('port') ?? 3210,
    dataDir: get('dataDir') ?? join(home, '.config', 'opencode-studio'),
    allowedHosts: get('allowedHosts') ?? [],
    allowedOrigins: get('allowedOrigins') ?? [],
    allowedDirectories: allowedDirectories(get<string[]>('allowedDirectories'), ctx, {
      host: get('host') ?? '127.0.0.1',
      allowedHosts: get('allowedHosts') ?? [],
      cwd: get<string>('opencode.cwd') ?? input.cwd,
    }),
    maxBodyBytes: get('maxBodyBytes') ?? DEFAULT_MAX_BODY_BYTES,
    logLevel: get('logLevel') ?? 'info',
    password,
    passwordHash,
    insecureNoPassword,
    sources,
    configFile,
    opencode: {
      mode,
      host: attachHost ?? '127.0.0.1',
      port: attachPort ?? null,
      bin: get('opencode.bin') ?? null,
      cwd: get('opencode.cwd') ?? input.cwd,
      username: get('opencode.username') ?? 'opencode',
      password: get('opencode.password') ?? null,
      startTimeoutMs: get('opencode.startTimeoutMs') ?? 30_000,
      dataDir: get('opencode.dataDir') ?? join(xdgData, 'opencode'),
      // OpenCode runs tools (bash) that could print its environment: Studio's own password stays out of it
      env: Object.fromEntries(Object.entries(env).filter(([k]) => !STUDIO_SECRET_ENV.has(k))),
    },
    events: {
      replayBytes: get('events.replayBytes') ?? 8 * 1024 * 1024,
      clientQueueBytes: get('events.clientQueueBytes') ?? 4 * 1024 * 1024,
      pruneBytes: get('events.pruneBytes') ?? 8 * 1024,
    },
    status: { timeoutMs: get('status.timeoutMs') ?? 1500 },
    timeouts: {
      headersMs: get('timeouts.headersMs') ?? 30_000,
      requestMs: get('timeouts.requestMs') ?? 900_000,
      bodyIdleMs: get('timeouts.bodyIdleMs') ?? 30_000,
    },
    attachments: {
      maxFileBytes: get('attachments.maxFileBytes') ?? 50 * 1024 * 1024,
      cacheBytes: get('attachments.cacheBytes') ?? 1024 * 1024 * 1024,
      maxAgeDays: get('attachments.maxAgeDays') ?? 30,
    },
  }
  return { kind: 'config', config: deepFreeze(config), warnings }
}

function cleanEnv(env: LoadInput['env']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v
  return out
}

function readFlags(argv: readonly string[], problems: string[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
    [CONFIG_FILE_OPTION.flag]: { type: 'string' },
  }
  for (const spec of OPTIONS) options[spec.flag] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' }
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false })
    return { help: values.help === true, version: values.version === true, values: values as Record<string, unknown> }
  } catch (err) {
    problems.push(`${(err as Error).message} (see --help)`)
    throw new ConfigError(problems)
  }
}

function pick(
  spec: OptionSpec,
  flags: Record<string, unknown>,
  env: Record<string, string>,
  file: Map<string, unknown>,
  configFile: string | null,
): Source | null {
  if (flags[spec.flag] !== undefined) return { value: flags[spec.flag], from: `--${spec.flag}`, kind: 'flag' }
  const fromEnv = env[spec.env]
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, from: spec.env, kind: 'env' }
  if (file.has(spec.key)) return { value: file.get(spec.key), from: `"${spec.key}" in ${configFile}`, kind: 'file' }
  return null
}

function show(spec: OptionSpec, value: unknown): string {
  if (spec.kind === 'secret') return '(hidden)'
  return JSON.stringify(value)
}

function locateConfigFile(
  flags: Record<string, unknown>,
  env: Record<string, string>,
  ctx: PathContext,
  problems: string[],
): string | null {
  const explicit = flags[CONFIG_FILE_OPTION.flag] ?? (env[CONFIG_FILE_OPTION.env] || undefined)
  if (explicit !== undefined) {
    const parsed = parsePath(explicit, ctx)
    if (!parsed.ok || !existsSync(parsed.value)) {
      problems.push(`config file not found: ${String(explicit)}`)
      return null
    }
    return parsed.value
  }
  const configHome = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(ctx.home, '.config')
  const fallback = join(configHome, 'opencode-studio', 'config.json')
  return existsSync(fallback) ? fallback : null
}

/** Reads the JSON file into dotted keys; unknown keys are errors, so a typo never goes unnoticed. */
function readConfigFile(path: string, problems: string[]): Map<string, unknown> {
  const out = new Map<string, unknown>()
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    problems.push(`cannot read config file ${path}: ${(err as Error).message}`)
    return out
  }
  if (!isRecord(data)) {
    problems.push(`config file ${path} must hold a JSON object`)
    return out
  }
  const known = new Set<string>(OPTIONS.map((o) => o.key))
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      if (prefix === '' && k === '$schema') continue
      const key = prefix + k
      if (isRecord(v) && !known.has(key)) walk(v, `${key}.`)
      else if (known.has(key)) out.set(key, v)
      else problems.push(`unknown key "${key}" in ${path}`)
    }
  }
  walk(data, '')
  return out
}


/** Loopback only: 127.0.0.0/8, ::1 and localhost (what the bind host may be without a password). */
function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1'
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/**
 * The workspaces requests may name. Given: `*` means any, else each entry is a path. Default: any while
 * Studio is reachable only from this machine (loopback bind, no extra Host names), because a local user
 * can read those files anyway; only the OpenCode working directory once other machines can reach it,
 * because then a password is all that stands between a stranger and every file Studio's user can read.
 */
function allowedDirectories(
  given: readonly string[] | undefined,
  ctx: PathContext,
  reach: { host: string; allowedHosts: readonly string[]; cwd: string },
): readonly string[] | 'any' {
  if (given === undefined) return isLocalOnly(reach.host) && reach.allowedHosts.length === 0 ? 'any' : [reach.cwd]
  if (given.includes('*')) return 'any'
  return given.flatMap((entry) => {
    const parsed = parsePath(entry, ctx) // the list parser already dropped empty entries
    return parsed.ok ? [parsed.value] : []
  })
}

function isLocalOnly(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127\./.test(h)
}
