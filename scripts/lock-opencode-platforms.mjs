#!/usr/bin/env node
// Keeps package-lock.json complete for every platform opencode-ai supports.
//
// opencode-ai ships its binary in one optional package per platform. The npm registry this project is
// built against only serves some of them (linux-x64), so `npm install` here leaves the others out of the
// lock, and `npm ci` then refuses the lock as out of sync ("Missing: opencode-darwin-arm64@ from lock
// file"). This adds each missing entry (version, os/cpu/libc, optional) where npm would place it: beside
// the top-level copy, or nested under an aliased older opencode-ai (opencode-legacy) when the top-level
// copy has another version. npm ci skips them on platforms they do not match and fetches them by version
// where they do. Run it, then `npm install`, after changing an opencode-ai version.

import { readFileSync, writeFileSync } from 'node:fs'

const path = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(path, 'utf8'))
const packages = lock.packages
const OS = { darwin: 'darwin', linux: 'linux', windows: 'win32' }

function entryFor(name, version) {
  const [, os, cpu, ...flavour] = name.split('-')
  const entry = { version, cpu: [cpu], optional: true, os: [OS[os] ?? os] }
  if (os === 'linux') entry.libc = [flavour.includes('musl') ? 'musl' : 'glibc']
  return entry
}

let added = 0
for (const [key, pkg] of Object.entries(packages)) {
  const isOpenCode = key.endsWith('node_modules/opencode-ai') || pkg.name === 'opencode-ai'
  if (!isOpenCode || !pkg.optionalDependencies) continue
  for (const [name, version] of Object.entries(pkg.optionalDependencies)) {
    const nested = `${key}/node_modules/${name}`
    const top = `node_modules/${name}`
    if (packages[nested]) continue
    if (packages[top]?.version === version) continue
    packages[packages[top] ? nested : top] = entryFor(name, version)
    added++
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`package-lock.json: added ${added} opencode platform entries`)
