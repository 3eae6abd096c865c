// The allowed-directories setting: its default follows who can reach Studio; `*` means any.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig, type LoadInput } from './load.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocs-dirs-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function allowed(input: Partial<LoadInput> = {}) {
  const result = loadConfig({ argv: [], env: { HOME: dir }, cwd: dir, ...input })
  if (result.kind !== 'config') throw new Error('expected a config')
  return result.config.allowedDirectories
}

describe('allowedDirectories', () => {
  it('defaults to any directory while Studio is reachable only from this machine, password or not', () => {
    expect(allowed()).toBe('any')
    expect(allowed({ argv: ['--password', 'pw'] })).toBe('any')
    expect(allowed({ argv: ['--host', 'localhost'] })).toBe('any')
    expect(allowed({ argv: ['--host', '::1'] })).toBe('any')
  })

  it("defaults to OpenCode's working directory once other machines can reach Studio", () => {
    expect(allowed({ argv: ['--host', '0.0.0.0', '--password', 'pw'] })).toEqual([dir])
    expect(allowed({ argv: ['--host', '192.168.1.5', '--password', 'pw', '--opencode-cwd', '/srv/project'] })).toEqual(['/srv/project'])
    // a name other machines use (e.g. through a reverse proxy) counts as reachable from elsewhere
    expect(allowed({ argv: ['--allowed-hosts', 'studio.lan'] })).toEqual([dir])
  })

  it('takes paths (relative to the current directory, ~ expanded) or * from flag, env and file', () => {
    expect(allowed({ argv: ['--allowed-directories', 'work,~/src,/srv'] })).toEqual([join(dir, 'work'), join(dir, 'src'), '/srv'])
    expect(allowed({ argv: ['--host', '0.0.0.0', '--password', 'pw', '--allowed-directories', '*'] })).toBe('any')
    expect(allowed({ env: { HOME: dir, OPENCODE_STUDIO_ALLOWED_DIRECTORIES: '/a,/b' } })).toEqual(['/a', '/b'])
  })
})
