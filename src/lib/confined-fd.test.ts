import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIn, DirWalkError, openDirInside, openFileInside, renameIn, unlinkIn } from './confined-fd.js'

let root: string
let ws: string
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'ocs-fd-')))
  ws = join(root, 'ws')
  mkdirSync(join(ws, 'sub'), { recursive: true })
  mkdirSync(join(root, 'outside'))
  writeFileSync(join(ws, 'a.txt'), 'a')
  writeFileSync(join(root, 'outside', 'secret.txt'), 's')
  symlinkSync(join(root, 'outside', 'secret.txt'), join(ws, 'out-link'))
  symlinkSync(join(ws, 'a.txt'), join(ws, 'in-link'))
  symlinkSync(join(root, 'outside'), join(ws, 'out-dir'))
  execFileSync('mkfifo', [join(ws, 'fifo')])
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('openFileInside', () => {
  it('opens a file inside, also through a symlink that stays inside, and reports where it really is', async () => {
    for (const p of ['a.txt', 'in-link']) {
      const r = await openFileInside(join(ws, p), ws, join(ws, 'a.txt'))
      expect(r).toMatchObject({ ok: true, realPath: join(ws, 'a.txt') })
      if (r.ok) await r.handle.close()
    }
  })

  it('judges the descriptor, not the path that was checked: a symlink out is refused', async () => {
    // as if the check had seen a.txt and the path had been swapped since
    expect(await openFileInside(join(ws, 'out-link'), ws, join(ws, 'a.txt'))).toEqual({ ok: false, reason: 'outside' })
    expect(await openFileInside(join(ws, 'out-dir', 'secret.txt'), ws, join(ws, 'a.txt'))).toEqual({ ok: false, reason: 'outside' })
  })

  it('refuses what is not a regular file without hanging or reading: a FIFO, a folder, /proc files, devices', async () => {
    expect(await openFileInside(join(ws, 'fifo'), ws, join(ws, 'fifo'))).toEqual({ ok: false, reason: 'not-a-file' })
    expect(await openFileInside(join(ws, 'sub'), ws, join(ws, 'sub'))).toEqual({ ok: false, reason: 'not-a-file' })
    expect(await openFileInside('/proc/self/environ', '/', '/proc/self/environ')).toEqual({ ok: false, reason: 'not-a-file' })
    expect(await openFileInside('/dev/null', '/', '/dev/null')).toEqual({ ok: false, reason: 'not-a-file' })
    expect(await openFileInside(join(ws, 'missing'), ws, join(ws, 'missing'))).toEqual({ ok: false, reason: 'missing' })
  })
})

describe('openDirInside', () => {
  it('walks to a folder, creating what is missing, and creates, renames and removes inside it', async () => {
    const dir = await openDirInside(ws, join(ws, 'new', 'deeper'), true)
    try {
      expect(dir.path).toBe(join(ws, 'new', 'deeper'))
      const f = await createIn(dir, 'tmp')
      await f.write('x')
      await f.close()
      await renameIn(dir, 'tmp', 'final.txt', false)
      expect(readdirSync(join(ws, 'new', 'deeper'))).toEqual(['final.txt'])
      await expect(createIn(dir, 'final.txt')).rejects.toMatchObject({ code: 'EEXIST' })
      await unlinkIn(dir, 'final.txt')
      expect(await dir.stillInPlace()).toBe(true)
    } finally {
      await dir.close()
    }
  })

  it('never follows a symlink on the way, and tells a swap from a file in the path', async () => {
    await expect(openDirInside(ws, join(ws, 'out-dir', 'x'), true)).rejects.toMatchObject({ reason: 'changed' })
    expect(readdirSync(join(root, 'outside'))).toEqual(['secret.txt'])
    await expect(openDirInside(ws, join(ws, 'a.txt', 'x'), true)).rejects.toBeInstanceOf(DirWalkError)
    await expect(openDirInside(ws, join(ws, 'a.txt', 'x'), true)).rejects.toMatchObject({ reason: 'not-a-directory' })
    await expect(openDirInside(ws, join(root, 'outside'), true)).rejects.toMatchObject({ reason: 'changed' })
  })

  it('knows when the open folder was moved away, and still works inside it', async () => {
    mkdirSync(join(ws, 'moving'))
    const dir = await openDirInside(ws, join(ws, 'moving'), false)
    try {
      const f = await createIn(dir, 'tmp')
      await f.close()
      renameSync(join(ws, 'moving'), join(ws, 'moved'))
      symlinkSync(join(root, 'outside'), join(ws, 'moving'))
      expect(await dir.stillInPlace()).toBe(false)
      await unlinkIn(dir, 'tmp') // removed where it really is, not through the symlink
      expect(readdirSync(join(ws, 'moved'))).toEqual([])
      expect(readdirSync(join(root, 'outside'))).toEqual(['secret.txt'])
    } finally {
      await dir.close()
    }
  })
})
