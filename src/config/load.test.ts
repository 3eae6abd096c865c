import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, type LoadInput } from './load.js'
import { OPTIONS } from './options.js'
import { parseValue } from './parse-value.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocs-config-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function load(input: Partial<LoadInput> = {}) {
  const result = loadConfig({ argv: [], env: { HOME: dir }, cwd: dir, ...input })
  if (result.kind !== 'config') throw new Error(`expected a config, got ${result.kind}`)
  return result
}

function problems(input: Partial<LoadInput>): string[] {
  try {
    load(input)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('defaults', () => {
  it('listens on loopback 3210 and spawns OpenCode, with data dirs under HOME', () => {
    const { config } = load()
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3210, logLevel: 'info', maxBodyBytes: 100 * 1024 * 1024, configFile: null })
    expect(config.dataDir).toBe(join(dir, '.config', 'opencode-studio'))
    expect(config.opencode).toMatchObject({ mode: 'spawn', port: null, bin: null, cwd: dir, username: 'opencode', password: null })
    expect(config.opencode.dataDir).toBe(join(dir, '.local', 'share', 'opencode'))
  })

  it("follows XDG_DATA_HOME for OpenCode's data dir", () => {
    const { config } = load({ env: { HOME: dir, XDG_DATA_HOME: '/x/data' } })
    expect(config.opencode.dataDir).toBe('/x/data/opencode')
  })

  it('is deeply frozen', () => {
    const { config } = load()
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.opencode)).toBe(true)
    expect(Object.isFrozen(config.allowedHosts)).toBe(true)
  })

  it("hands a spawned OpenCode Studio's own environment", () => {
    const { config } = load({ env: { HOME: dir, FOO: 'bar', EMPTY: undefined } })
    expect(config.opencode.env).toEqual({ HOME: dir, FOO: 'bar' })
  })
})

describe('precedence: flag > env > file > default', () => {
  const file = () => {
    const path = join(dir, 'studio.json')
    writeFileSync(path, JSON.stringify({ port: 4000, logLevel: 'warn', opencode: { port: 5000 }, allowedHosts: ['a.lan'] }))
    return path
  }

  it('takes the file over defaults', () => {
    const { config } = load({ argv: ['--config', file()] })
    expect(config).toMatchObject({ port: 4000, logLevel: 'warn', allowedHosts: ['a.lan'] })
    expect(config.opencode).toMatchObject({ mode: 'attach', port: 5000, host: '127.0.0.1' })
  })

  it('takes env over the file', () => {
    const { config } = load({ argv: ['--config', file()], env: { HOME: dir, OPENCODE_STUDIO_PORT: '4001', OPENCODE_PORT: '5001' } })
    expect(config.port).toBe(4001)
    expect(config.opencode.port).toBe(5001)
    expect(config.logLevel).toBe('warn')
  })

  it('takes flags over env', () => {
    const { config } = load({
      argv: ['--config', file(), '--port', '4002', '--allowed-hosts', 'b.lan, c.lan'],
      env: { HOME: dir, OPENCODE_STUDIO_PORT: '4001', OPENCODE_STUDIO_ALLOWED_HOSTS: 'x.lan' },
    })
    expect(config.port).toBe(4002)
    expect(config.allowedHosts).toEqual(['b.lan', 'c.lan'])
  })

  it('treats an empty environment variable as unset', () => {
    const { config } = load({ env: { HOME: dir, OPENCODE_STUDIO_PORT: '' } })
    expect(config.port).toBe(3210)
  })

  it('finds config.json under XDG_CONFIG_HOME when no file is named', () => {
    mkdirSync(join(dir, 'cfg', 'opencode-studio'), { recursive: true })
    writeFileSync(join(dir, 'cfg', 'opencode-studio', 'config.json'), JSON.stringify({ port: 4100 }))
    const { config } = load({ env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'cfg') } })
    expect(config.port).toBe(4100)
    expect(config.configFile).toBe(join(dir, 'cfg', 'opencode-studio', 'config.json'))
  })
})

describe('paths', () => {
  it('expands ~ and resolves relative paths against the working directory', () => {
    const { config } = load({ argv: ['--data-dir', '~/studio', '--opencode-cwd', 'proj'] })
    expect(config.dataDir).toBe(join(dir, 'studio'))
    expect(config.opencode.cwd).toBe(join(dir, 'proj'))
  })
})

describe('validation', () => {
  it('reports every bad value, naming where it came from', () => {
    const found = problems({ argv: ['--port', '70000'], env: { HOME: dir, OPENCODE_STUDIO_LOG_LEVEL: 'loud', OPENCODE_STUDIO_MAX_BODY_BYTES: 'lots' } })
    expect(found).toEqual([
      '--port: expected a port number from 0 to 65535, got "70000"',
      'OPENCODE_STUDIO_MAX_BODY_BYTES: expected a size in bytes, e.g. 1048576 or 100MiB, got "lots"',
      'OPENCODE_STUDIO_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ])
  })

  it('never echoes a secret back', () => {
    const found = problems({ argv: ['--opencode-password', ' '] })
    expect(found).toEqual(['--opencode-password: expected a non-empty string, got (hidden)'])
  })

  it('refuses unknown flags and unknown file keys', () => {
    expect(problems({ argv: ['--prot', '1'] })[0]).toContain("Unknown option '--prot'")
    const path = join(dir, 'bad.json')
    writeFileSync(path, JSON.stringify({ prot: 1, opencode: { prot: 2 } }))
    expect(problems({ argv: ['--config', path] })).toEqual([`unknown key "prot" in ${path}`, `unknown key "opencode.prot" in ${path}`])
  })

  it('refuses a config file that is missing or not a JSON object', () => {
    expect(problems({ argv: ['--config', join(dir, 'missing.json')] })[0]).toContain('config file not found')
    const path = join(dir, 'list.json')
    writeFileSync(path, '[1, 2]')
    expect(problems({ argv: ['--config', path] })).toEqual([`config file ${path} must hold a JSON object`])
  })

  it('needs a port to attach and refuses port 0 for OpenCode', () => {
    expect(problems({ env: { HOME: dir, OPENCODE_HOST: 'box.lan' } })[0]).toContain('needs --opencode-port')
    expect(problems({ argv: ['--opencode-port', '0'] })[0]).toContain('must name a real port')
  })

  it('warns when a binary is given but Studio attaches', () => {
    const { warnings } = load({ argv: ['--opencode-port', '4096', '--opencode-bin', '/usr/bin/true'] })
    expect(warnings[0]).toContain('--opencode-bin is ignored')
  })
})

describe('password', () => {
  const hash = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5'

  it('is off by default; a flag, env var or file hash sets it, and where it came from is recorded', () => {
    expect(load().config).toMatchObject({ password: null, passwordHash: null, insecureNoPassword: false })
    expect(load().config.sources.password).toBe('default')
    const byFlag = load({ argv: ['--password', 's3cret'] }).config
    expect(byFlag).toMatchObject({ password: 's3cret', passwordHash: null })
    expect(byFlag.sources.password).toBe('flag')
    expect(load({ env: { HOME: dir, OPENCODE_STUDIO_PASSWORD: 'e' } }).config.sources.password).toBe('env')
    const path = join(dir, 'c.json')
    writeFileSync(path, JSON.stringify({ passwordHash: hash }))
    const byFile = load({ argv: ['--config', path] }).config
    expect(byFile).toMatchObject({ password: null, passwordHash: hash })
    expect(byFile.sources.passwordHash).toBe('file')
  })

  it('keeps Studio\'s password out of a spawned OpenCode\'s environment', () => {
    const { config } = load({ env: { HOME: dir, OPENCODE_STUDIO_PASSWORD: 'e', OPENCODE_STUDIO_PASSWORD_HASH: '' } })
    expect(config.opencode.env).toEqual({ HOME: dir })
  })

  it('refuses a malformed hash, and both a password and a hash', () => {
    expect(problems({ argv: ['--password-hash', 'plain'] })[0]).toContain('passwordHash: expected a hash')
    expect(problems({ argv: ['--password', 'a', '--password-hash', hash] })[0]).toContain('not both')
  })

  it('refuses a non-loopback bind without one, unless --insecure-no-password', () => {
    expect(problems({ argv: ['--host', '0.0.0.0'] })[0]).toContain('refusing to listen on 0.0.0.0 without a password')
    expect(load({ argv: ['--host', '0.0.0.0', '--password', 'x'] }).config.host).toBe('0.0.0.0')
    expect(load({ argv: ['--host', '0.0.0.0', '--insecure-no-password'] }).config.insecureNoPassword).toBe(true)
    expect(load({ argv: ['--host', '::', '--password', 'x'] }).config.host).toBe('::')
    expect(problems({ env: { HOME: dir, OPENCODE_STUDIO_HOST: '192.168.1.5', OPENCODE_STUDIO_INSECURE_NO_PASSWORD: 'no' } })[0]).toContain('refusing')
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(load({ argv: ['--host', host] }).config.host).toBe(host)
  })
})

describe('help and version', () => {
  it('are recognised before anything else', () => {
    expect(loadConfig({ argv: ['--help'], env: {}, cwd: dir }).kind).toBe('help')
    expect(loadConfig({ argv: ['-v'], env: {}, cwd: dir }).kind).toBe('version')
  })
})

describe('--help and the real defaults', () => {
  it('every default that --help shows as a plain value is the value Studio uses', () => {
    const config = load().config as unknown as Record<string, unknown>
    const at = (key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config)
    let checked = 0
    for (const spec of OPTIONS) {
      if (spec.kind === 'path' || spec.kind === 'list' || spec.kind === 'secret') continue // described, not a value
      const shown = parseValue(spec.kind, spec.defaultText, { cwd: dir, home: dir })
      if (!shown.ok) continue // e.g. "unset: spawn OpenCode"
      expect({ key: spec.key, value: at(spec.key) }).toEqual({ key: spec.key, value: shown.value })
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(12)
  })
})
