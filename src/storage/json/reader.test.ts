// The legacy JSON reader's change pass against a session the index learns of while the pass runs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { KnownSessions } from '../types.js'
import { createJsonReader } from './reader.js'

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function knownOf(ids: Set<string>): KnownSessions {
  return { get size() { return ids.size }, has: (id) => ids.has(id), ids: () => ids.values(), get: () => undefined }
}

describe('createJsonReader().changes', () => {
  it('does not report as removed a session the index learned of after the pass listed the files', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocs-json-reader-'))
    const project = join(dir, 'storage', 'session', 'proj')
    mkdirSync(project, { recursive: true })
    const info = { id: 'ses_old', title: 'old', directory: '/w', projectID: 'proj', version: '1.1.65', time: { created: 1, updated: 1 } }
    writeFileSync(join(project, 'ses_old.json'), JSON.stringify(info))
    writeFileSync(join(project, 'ses_gone.json'), JSON.stringify({ ...info, id: 'ses_gone' }))
    const reader = createJsonReader(dir)
    const ids = new Set<string>()
    const loaded = await reader.changes(knownOf(ids))
    expect(loaded.ok && loaded.value?.upserted.map((s) => s.id).sort()).toEqual(['ses_gone', 'ses_old'])
    ids.add('ses_old').add('ses_gone')

    rmSync(join(project, 'ses_gone.json'))
    const pass = reader.changes(knownOf(ids))
    // OpenCode's event for a session whose file the pass did not list arrives while the pass runs
    ids.add('ses_new')
    const result = await pass
    expect(result.ok).toBe(true)
    expect(result.ok && result.value?.removed).toEqual(['ses_gone'])
  })
})
