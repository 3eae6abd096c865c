import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveOpenCodeBinary } from './binary.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocs-bin-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0])

function file(path: string, content: string | Buffer, mode = 0o755): string {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, content)
  chmodSync(path, mode)
  return path
}

/** A fake opencode-ai package: bin/opencode.exe is what postinstall links, here a native binary. */
function fakePackage(binContent: string | Buffer = ELF): string {
  const root = join(dir, 'node_modules', 'opencode-ai')
  file(join(root, 'package.json'), '{"name":"opencode-ai"}', 0o644)
  file(join(root, 'bin', 'opencode.exe'), binContent)
  return root
}

describe('resolveOpenCodeBinary', () => {
  it('prefers the configured binary', () => {
    const bin = file(join(dir, 'my-opencode'), ELF)
    const r = resolveOpenCodeBinary({ configured: bin, envPath: join(dir, 'path'), packageRoot: fakePackage() })
    expect(r).toEqual({ ok: true, binary: { path: bin, source: 'config' } })
  })

  it('refuses a configured path that is missing or not executable', () => {
    expect(resolveOpenCodeBinary({ configured: join(dir, 'none'), envPath: '', packageRoot: null }).ok).toBe(false)
    const plain = file(join(dir, 'plain'), ELF, 0o644)
    const r = resolveOpenCodeBinary({ configured: plain, envPath: '', packageRoot: null })
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('not an executable file') })
  })

  it('then takes `opencode` from PATH, in PATH order', () => {
    const first = file(join(dir, 'a', 'opencode'), ELF)
    file(join(dir, 'b', 'opencode'), ELF)
    const r = resolveOpenCodeBinary({ configured: null, envPath: `${join(dir, 'empty')}:${join(dir, 'a')}:${join(dir, 'b')}`, packageRoot: fakePackage() })
    expect(r).toEqual({ ok: true, binary: { path: first, source: 'path' } })
  })

  it("skips Studio's own node_modules/.bin (npm puts it on PATH) for the pinned package", () => {
    const root = fakePackage()
    // an older opencode-ai under an alias, which npm linked as .bin/opencode: a wrapper script
    const legacy = file(join(dir, 'node_modules', 'opencode-legacy', 'bin', 'opencode'), '#!/usr/bin/env node\n')
    mkdirSync(join(dir, 'node_modules', '.bin'))
    symlinkSync(legacy, join(dir, 'node_modules', '.bin', 'opencode'))
    const r = resolveOpenCodeBinary({ configured: null, envPath: join(dir, 'node_modules', '.bin'), packageRoot: root })
    expect(r).toEqual({ ok: true, binary: { path: join(root, 'bin', 'opencode.exe'), source: 'package' } })
  })

  it('falls back to the bundled package', () => {
    const root = fakePackage()
    const r = resolveOpenCodeBinary({ configured: null, envPath: join(dir, 'nothing-here'), packageRoot: root })
    expect(r).toEqual({ ok: true, binary: { path: join(root, 'bin', 'opencode.exe'), source: 'package' } })
  })

  it('skips a wrapper script in the package for the native platform binary', () => {
    const root = fakePackage('#!/usr/bin/env node\n')
    const native = file(join(root, 'node_modules', 'opencode-linux-x64', 'bin', 'opencode'), ELF)
    file(join(root, 'node_modules', 'opencode-linux-x64', 'package.json'), '{"name":"opencode-linux-x64"}', 0o644)
    const r = resolveOpenCodeBinary({ configured: null, envPath: '', packageRoot: root, platform: 'linux', arch: 'x64' })
    expect(r).toEqual({ ok: true, binary: { path: native, source: 'package' } })
  })

  it('says how to fix it when nothing is found', () => {
    const r = resolveOpenCodeBinary({ configured: null, envPath: '', packageRoot: null })
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('OPENCODE_STUDIO_OPENCODE_BIN') })
  })
})
