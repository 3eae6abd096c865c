import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config/index.js'
import { collectDiagnostics } from './collect.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocs-diag-'))
})
afterEach(() => {
  chmodSync(dir, 0o755)
  rmSync(dir, { recursive: true, force: true })
})

function configFor(argv: string[], env: Record<string, string> = {}) {
  const loaded = loadConfig({ argv, env: { HOME: dir, PATH: '/usr/bin:/bin', ...env }, cwd: dir })
  if (loaded.kind !== 'config') throw new Error('no config')
  return loaded.config
}

describe('collectDiagnostics', () => {
  it('names where each setting came from and never shows a secret', () => {
    const file = join(dir, 'studio.json')
    writeFileSync(file, JSON.stringify({ logLevel: 'warn' }))
    const d = collectDiagnostics(configFor(['--config', file, '--port', '4321', '--password', 'hunter2'], { OPENCODE_STUDIO_MAX_BODY_BYTES: '1MiB' }), {
      opencode: { version: '9.9.9', state: 'ready' },
    })
    const setting = (key: string) => d.settings.find((s) => s.key === key)
    expect(setting('port')).toMatchObject({ value: 4321, source: 'flag', flag: '--port', env: 'OPENCODE_STUDIO_PORT' })
    expect(setting('maxBodyBytes')).toMatchObject({ value: 1024 * 1024, source: 'env' })
    expect(setting('logLevel')).toMatchObject({ value: 'warn', source: 'file' })
    expect(setting('host')).toMatchObject({ value: '127.0.0.1', source: 'default' })
    expect(setting('password')).toMatchObject({ value: 'set', source: 'flag' })
    expect(setting('passwordHash')).toMatchObject({ value: 'unset', source: 'default' })
    expect(JSON.stringify(d)).not.toContain('hunter2')
    expect(d.configFile).toBe(file)
    expect(d.versions).toMatchObject({ opencode: '9.9.9', node: process.versions.node })
  })

  it('reports each path: exists, kind, writable (or creatable), and the storage layout found', () => {
    const dataDir = join(dir, 'oc-data')
    mkdirSync(join(dataDir, 'storage', 'session'), { recursive: true })
    const locked = join(dir, 'locked')
    mkdirSync(locked)
    chmodSync(locked, 0o500)
    const d = collectDiagnostics(configFor(['--opencode-data-dir', dataDir, '--data-dir', join(locked, 'studio'), '--opencode-port', '4096']), { opencode: { version: null } })
    const path = (name: string) => d.paths.find((p) => p.name === name)
    expect(d.storage).toMatchObject({ layout: 'json', location: join(dataDir, 'storage') })
    expect(path('opencode data dir')).toMatchObject({ path: dataDir, kind: 'directory', writable: true, readOnly: true })
    const root = process.getuid?.() === 0 // root may write anywhere: the mode bits do not stop it
    expect(path('studio data dir')).toMatchObject({ path: join(locked, 'studio'), kind: 'missing', writable: root })
    expect(path('studio database')).toMatchObject({ kind: 'missing' })
  })
})

describe('opencode-studio doctor', () => {
  it('prints the report as JSON without starting anything (through the installed bin)', () => {
    const bin = fileURLToPath(new URL('../../bin/opencode-studio.js', import.meta.url))
    const out = execFileSync(process.execPath, [bin, 'doctor', '--json', '--opencode-port', '4096', '--password', 'p'], {
      env: { HOME: dir, PATH: process.env.PATH ?? '' },
      cwd: dir,
      encoding: 'utf8',
    })
    const d = JSON.parse(out)
    expect(d.opencode.mode).toBe('attach')
    expect(d.settings.find((s: { key: string }) => s.key === 'opencode.port')).toMatchObject({ value: 4096, source: 'flag' })
    expect(out).not.toContain('"p"')
  })
})
