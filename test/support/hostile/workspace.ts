// The ground the hostile table runs on: a workspace with symlinks leading out of it, a canary folder
// beside it, and a check of the disk around both for anything written outside the workspace.

import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { PWNED_MARK } from './request.js'
import { walk } from '../uploads.js'

export const SECRET = 'canary: nothing may change here'

/** Makes `<root>/ws` (hp/inside.txt, symlinks out) and `<root>/outside` (the canary); returns both. */
export function prepareHostileGround(root: string): { ws: string; outside: string } {
  const ws = join(root, 'ws')
  const outside = join(root, 'outside')
  mkdirSync(join(ws, 'hp'), { recursive: true })
  mkdirSync(outside, { recursive: true })
  writeFileSync(join(ws, 'hp', 'inside.txt'), 'inside')
  writeFileSync(join(outside, 'secret.txt'), SECRET)
  const links: [string, string][] = [
    ['link-out', outside], // a folder outside
    ['link-secret', join(outside, 'secret.txt')], // a file outside
    ['link-etc', '/etc'],
    ['link-root', '/'],
    ['link-loop', 'link-loop'], // resolves to nothing (ELOOP)
    ['link-dangling', join(outside, `${PWNED_MARK}-through-dangling-link`)], // writing through it would create a file outside
  ]
  for (const [name, target] of links) symlinkSync(target, join(ws, name))
  symlinkSync('..', join(ws, 'hp', 'link-up')) // back to the workspace: inside
  return { ws, outside }
}

export interface DiskSnapshot {
  canary: string
  around: string[]
}

/**
 * What must not change: the canary folder (names, sizes, content) and the names beside the workspace; plus
 * every file carrying the mark in the places a traversal could reach (the folders around the workspace,
 * the temp dir, /, /etc, Studio's home; the ground itself in depth), except inside the workspace.
 */
export function snapshotDisk(ws: string, outside: string, home: string): DiskSnapshot {
  const canary = walk(outside)
    .map((p) => `${p}:${statSync(p).size}:${readFileSync(p).toString('base64')}`)
    .sort()
    .join('\n')
  const root = dirname(ws)
  const shallow = [tmpdir(), '/', '/etc', home, dirname(root)].flatMap((d) => list(d).map((n) => join(d, n)))
  const deep = walkQuietly(root).filter((p) => !p.startsWith(`${ws}/`))
  return { canary, around: [...shallow, ...deep].filter((p) => p.includes(PWNED_MARK)).sort() }
}

/** Files written outside the workspace between two snapshots (a changed canary counts as one). */
export function writtenOutside(before: DiskSnapshot, after: DiskSnapshot): string[] {
  const fresh = after.around.filter((p) => !before.around.includes(p))
  return after.canary === before.canary ? fresh : [...fresh, 'the canary folder changed']
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

function walkQuietly(dir: string): string[] {
  try {
    return walk(dir)
  } catch {
    return []
  }
}
