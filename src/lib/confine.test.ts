import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { confineExisting, confineNew, isInside, resolveClientPath } from './confine.js'

let root: string
let ws: string
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'ocs-confine-')))
  ws = join(root, 'work')
  mkdirSync(join(ws, 'sub'), { recursive: true })
  mkdirSync(join(root, 'workspace-archive'), { recursive: true })
  writeFileSync(join(ws, 'a.txt'), 'a')
  writeFileSync(join(ws, 'sub', 'b.txt'), 'b')
  writeFileSync(join(root, 'secret.txt'), 's')
  writeFileSync(join(root, 'workspace-archive', 'x.txt'), 'x')
  symlinkSync(join(root, 'secret.txt'), join(ws, 'out-link'))
  symlinkSync(join(ws, 'sub', 'b.txt'), join(ws, 'in-link'))
  symlinkSync(root, join(ws, 'up-dir'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('isInside', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/c', true],
    ['/a/b', '/a/bc', false],
    ['/a/b', '/a', false],
    ['/home/alice/work', '/home/alice/workspace', false],
    ['/', '/anything', true],
  ])('%s contains %s: %s', (parent, child, expected) => expect(isInside(parent, child)).toBe(expected))
})

describe('resolveClientPath', () => {
  it('expands ~ and resolves relative paths against the workspace', () => {
    expect(resolveClientPath('~', '/w', '/home/me')).toBe('/home/me')
    expect(resolveClientPath('~/x', '/w', '/home/me')).toBe('/home/me/x')
    expect(resolveClientPath('sub/../a.txt', '/w', '/home/me')).toBe('/w/a.txt')
    expect(resolveClientPath('/abs/x', '/w', '/home/me')).toBe('/abs/x')
  })
})

describe('confineExisting', () => {
  it.each([
    ['a.txt', true],
    ['sub/b.txt', true],
    ['sub/../a.txt', true],
    ['in-link', true],
    ['../secret.txt', false],
    ['out-link', false],
    ['up-dir/secret.txt', false],
    ['../workspace-archive/x.txt', false],
  ])('%s inside: %s', async (input, inside) => {
    const r = await confineExisting(input, ws, '/home/me')
    expect(r.ok).toBe(inside)
    if (!r.ok) expect(r.reason).toBe('outside')
  })

  it('tells a missing file inside from one outside', async () => {
    expect(await confineExisting('nope.txt', ws, '/home/me')).toMatchObject({ ok: false, reason: 'missing' })
    expect(await confineExisting('../nope.txt', ws, '/home/me')).toMatchObject({ ok: false, reason: 'outside' })
    expect(await confineExisting('a.txt', join(root, 'no-such-ws'), '/home/me')).toMatchObject({ ok: false, reason: 'workspace-missing' })
  })
})

describe('confineNew', () => {
  it.each([
    ['new.txt', true],
    ['deep/er/new.txt', true],
    ['sub/new.txt', true],
    ['../new.txt', false],
    ['up-dir/new.txt', false],
    ['up-dir/deeper/new.txt', false],
    ['/tmp/elsewhere.txt', false],
  ])('%s inside: %s', async (input, inside) => {
    expect((await confineNew(input, ws, '/home/me')).ok).toBe(inside)
  })

  it('refuses a path through a symlink that loops (it names no folder that could be made)', async () => {
    symlinkSync(join(ws, 'loop'), join(ws, 'loop'))
    expect(await confineNew('loop/new.txt', ws, '/home/me')).toMatchObject({ ok: false, reason: 'loop' })
    expect(await confineNew('loop/deeper/new.txt', ws, '/home/me')).toMatchObject({ ok: false, reason: 'loop' })
  })

  it('resolves through existing folders to the real target path', async () => {
    const r = await confineNew('sub/new.txt', ws, '/home/me')
    expect(r).toMatchObject({ ok: true, realPath: join(ws, 'sub', 'new.txt') })
  })
})
