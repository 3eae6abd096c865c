// The docs list exactly what the code defines: every error code with its status, every setting with its
// three spellings. Adding one without documenting it fails here.

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import '../src/app.js' // registers every error the app can answer with
import { CONFIG_FILE_OPTION, OPTIONS } from '../src/config/index.js'
import { errorCatalogue } from '../src/lib/errors.js'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')

describe('docs/errors.md', () => {
  const doc = read('docs/errors.md')
  const rows = new Map([...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]))

  it('documents every error code with its status, and nothing else', () => {
    const defined = new Map(errorCatalogue())
    expect(defined.size).toBeGreaterThan(5)
    expect(rows).toEqual(defined)
  })
})

describe('docs/config.md', () => {
  const doc = read('docs/config.md')

  it.each(OPTIONS.map((o) => [o.key, o] as const))('documents %s with its flag, env var and file key', (_key, option) => {
    const row = doc.split('\n').find((line) => line.includes(`\`--${option.flag}\``))
    expect(row, `no row for --${option.flag}`).toBeDefined()
    expect(row).toContain(`\`${option.env}\``)
    expect(row).toContain(`\`${option.key}\``)
  })

  it('documents the config file option', () => {
    expect(doc).toContain(`\`--${CONFIG_FILE_OPTION.flag}\``)
    expect(doc).toContain(`\`${CONFIG_FILE_OPTION.env}\``)
  })
})
