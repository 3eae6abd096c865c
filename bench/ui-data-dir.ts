// The UI dataset as an OpenCode data folder, made once and reused: the real OpenCode creates its
// database (so schema, migrations and project rows are its own), is stopped, and the dataset is written
// into it. Each run copies the folder into a fresh scratch home, so OpenCode and Studio can both write
// without touching the cached copy. The workspace folders the sessions name live beside the cache, at a
// fixed path, so the rows stay valid across runs.

import Database from 'better-sqlite3'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { startMockLlm } from '../test/harness/mock-llm/server.js'
import { startOpenCode } from '../test/harness/opencode.js'
import type { Scratch } from '../test/harness/scratch.js'
import { seedUiDataset, UI_DATASET, type SeededUiDataset } from './ui-dataset.js'

/** Bump when the dataset's shape or rows change, so a stale cache is rebuilt. */
const DATASET_VERSION = 2
/**
 * Outside any git repository (a session's directory inside one would belong to that repository's
 * project, not OpenCode's `global` one the rows name), at a fixed path so the cache is found again.
 */
const CACHE_ROOT = join(tmpdir(), `opencode-studio-ui-dataset-v${DATASET_VERSION}`)

export interface UiDataDir extends SeededUiDataset {
  /** The cached OpenCode data folder (`$XDG_DATA_HOME/opencode`): copy it, never write it. */
  dataDir: string
}

/** Builds the cached dataset if it is missing; resolves with where it is. */
export async function ensureUiDataDir(log: (line: string) => void = () => {}): Promise<UiDataDir> {
  const dataDir = join(CACHE_ROOT, 'opencode')
  const manifest = join(CACHE_ROOT, 'dataset.json')
  if (existsSync(manifest)) return { dataDir, ...(JSON.parse(readFileSync(manifest, 'utf8')) as SeededUiDataset) }

  rmSync(CACHE_ROOT, { recursive: true, force: true })
  mkdirSync(CACHE_ROOT, { recursive: true })
  log('ui dataset: creating the database with the real OpenCode…')
  const mock = await startMockLlm()
  const oc = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  try {
    // one request bootstraps OpenCode's storage (database, migrations, the global project row)
    const res = await fetch(`${oc.url}/session?directory=${encodeURIComponent(oc.scratch.workspace)}`)
    if (res.status !== 200) throw new Error(`OpenCode answered ${res.status} while creating its database`)
  } finally {
    await oc.stop()
    await mock.close()
  }
  cpSync(oc.scratch.dataDir, dataDir, { recursive: true })
  oc.scratch.remove()

  log('ui dataset: writing 10,000 sessions and a 2,000-message session…')
  const workspace = join(CACHE_ROOT, 'workspace')
  const db = new Database(join(dataDir, 'opencode.db'))
  let seeded: SeededUiDataset
  try {
    seeded = seedUiDataset(db, workspace, UI_DATASET)
    // fold the WAL into the main file, so a plain copy of the folder is complete
    db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
  for (const dir of seeded.directories) mkdirSync(dir, { recursive: true })
  writeFileSync(manifest, JSON.stringify(seeded))
  return { dataDir, ...seeded }
}

/** Puts a copy of the dataset where a scratch home's OpenCode keeps its data. */
export function installUiDataDir(data: UiDataDir, scratch: Scratch): void {
  rmSync(scratch.dataDir, { recursive: true, force: true })
  cpSync(data.dataDir, scratch.dataDir, { recursive: true })
}
