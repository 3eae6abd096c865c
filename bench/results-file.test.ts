import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { table, updateResults } from './results-file.js'

describe('updateResults', () => {
  it('replaces only the sections of the scenarios that ran', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocs-bench-'))
    try {
      const path = join(dir, 'RESULTS.md')
      updateResults(path, new Map([['a', 'A1'], ['b', 'B1']]))
      updateResults(path, new Map([['b', 'B2']]))
      const text = readFileSync(path, 'utf8')
      expect(text).toContain('A1')
      expect(text).toContain('B2')
      expect(text).not.toContain('B1')
      expect(text.indexOf('A1')).toBeLessThan(text.indexOf('B2'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('renders markdown tables', () => {
    expect(table(['x', 'y'], [[1, 'a']])).toBe('| x | y |\n| --- | --- |\n| 1 | a |')
  })
})
