#!/usr/bin/env node
// Keeps package-lock.json complete for every platform opencode-ai supports.
//
// opencode-ai ships its binary in one optional package per platform. The npm registry this project is
// built against only serves the linux-x64 ones, so `npm install` here leaves the others out of the lock,
// and `npm ci` then refuses the lock as out of sync ("Missing: opencode-darwin-arm64@ from lock file").
// This adds the missing entries (name, version, os/cpu/libc, optional): npm ci skips them on platforms
// they do not match and fetches them by version where they do. Run after changing the opencode-ai version.

import { readFileSync, writeFileSync } from 'node:fs'

const path = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(path, 'utf8'))
const ai = lock.packages['node_modules/opencode-ai']
if (!ai) throw new Error('opencode-ai is not in package-lock.json')

const OS = { darwin: 'darwin', linux: 'linux', windows: 'win32' }
let added = 0
for (const [name, version] of Object.entries(ai.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`
  if (lock.packages[key]) continue
  const [, os, cpu, ...flavour] = name.split('-')
  const entry = { version, cpu: [cpu], optional: true, os: [OS[os] ?? os] }
  if (os === 'linux') entry.libc = [flavour.includes('musl') ? 'musl' : 'glibc']
  lock.packages[key] = entry
  added++
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`package-lock.json: added ${added} opencode platform entries`)
