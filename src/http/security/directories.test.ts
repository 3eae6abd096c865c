import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDirectoryPolicy } from './directories.js'

let root: string
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'ocs-dirpolicy-')))
  mkdirSync(join(root, 'ws', 'sub'), { recursive: true })
  mkdirSync(join(root, 'other'), { recursive: true })
  symlinkSync(join(root, 'other'), join(root, 'ws', 'escape'))
  symlinkSync(join(root, 'ws'), join(root, 'ws-link'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('directory policy', () => {
  it('allows the listed folders and what is below them, existing or not, through symlinks that stay inside', async () => {
    const policy = createDirectoryPolicy([join(root, 'ws')], root)
    for (const d of ['ws', 'ws/sub', 'ws/not-yet/deeper', 'ws-link/sub', join(root, 'ws', 'sub', '..')]) expect(await policy(d)).toBe(true)
  })

  it('refuses everything else: other folders, parents, symlinks leading out, .. climbing out, NUL', async () => {
    const policy = createDirectoryPolicy([join(root, 'ws')], root)
    for (const d of ['/etc', '/', root, 'other', 'ws/escape', 'ws/escape/x', 'ws/../other', 'ws-other', 'ws\0x']) expect(await policy(d)).toBe(false)
  })

  it("'any' allows any directory", async () => {
    expect(await createDirectoryPolicy('any', root)('/etc')).toBe(true)
  })
})
