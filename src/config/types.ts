// The validated, frozen configuration every part receives (or a slice of it).

import type { LogLevel } from '../lib/log.js'

export type SettingSource = 'flag' | 'env' | 'file' | 'default'

export interface Config {
  readonly host: string
  readonly port: number
  /** Studio's own data: its database and attachment cache. */
  readonly dataDir: string
  /** Host header names answered besides loopback ones; `.example.com` matches subdomains. */
  readonly allowedHosts: readonly string[]
  /** Origins, besides Studio's own, allowed to send state-changing requests. */
  readonly allowedOrigins: readonly string[]
  /**
   * Workspaces requests may name (real paths; each allows everything below it), or 'any'. Applies to
   * Studio's own file routes and to the directory forwarded to OpenCode.
   */
  readonly allowedDirectories: readonly string[] | 'any'
  /** Largest request body forwarded to OpenCode. */
  readonly maxBodyBytes: number
  readonly logLevel: LogLevel
  /** The UI/API password in clear (flag or env), if set. */
  readonly password: string | null
  /** The password as an scrypt hash (config file or env), if set. */
  readonly passwordHash: string | null
  /** Listening beyond loopback without a password was asked for explicitly. */
  readonly insecureNoPassword: boolean
  /** Where each setting's value came from (dotted key → source), for diagnostics. */
  readonly sources: Readonly<Record<string, SettingSource>>
  /** The config file that was read, if any. */
  readonly configFile: string | null
  readonly opencode: OpenCodeConfig
  readonly events: { readonly replayBytes: number; readonly clientQueueBytes: number; readonly pruneBytes: number }
  readonly status: { readonly timeoutMs: number }
  /** Limits on receiving a request (never on sending a response). */
  readonly timeouts: { readonly headersMs: number; readonly requestMs: number; readonly bodyIdleMs: number }
  readonly attachments: { readonly maxFileBytes: number; readonly cacheBytes: number; readonly maxAgeDays: number }
}

export interface OpenCodeConfig {
  /** `attach` when a port was given, else Studio spawns its own OpenCode. */
  readonly mode: 'attach' | 'spawn'
  readonly host: string
  /** The port to attach to; null in spawn mode (a free port is picked per start). */
  readonly port: number | null
  readonly bin: string | null
  readonly cwd: string
  readonly username: string
  readonly password: string | null
  readonly startTimeoutMs: number
  /** Where OpenCode keeps its storage (read only). */
  readonly dataDir: string
  /** The environment a spawned OpenCode inherits: Studio's own. */
  readonly env: Readonly<Record<string, string>>
}
