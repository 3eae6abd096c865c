// `npm run faults`: fault cases against the real OpenCode, with figures, written to docs/RELIABILITY.md
// (one section per case, like bench/RESULTS.md). Cases: kill -9 of the spawned OpenCode while clients
// stream events and read; kill -9 of Studio itself (does its OpenCode outlive it?); OpenCode writing at
// full speed while readers page from storage; kill -9 of Studio during uploads and forwards; the hostile
// request table; Studio's data dir on a full file system; one 90 MB prompt against Studio's event loop.
// `npm run faults -- <case> …` runs some.
// FAULTS_KILLS, FAULTS_STUDIO_KILLS, FAULTS_WRITER_SECONDS, FAULTS_UPLOAD_KILLS, FAULTS_IDLE_CONNECTIONS and
// FAULTS_FULL_ROUNDS shorten a run; the section says what was run. FAULTS_LOG sets the full-disk Studio's log level.

import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { updateResults } from '../results-file.js'
import { startMockLlm } from '../../test/harness/mock-llm/server.js'
import { createScratch } from '../../test/harness/scratch.js'
import { fullDisk } from './full-disk.js'
import { hostile } from './hostile.js'
import { opencodeKill } from './opencode-kill.js'
import { promptStallFault } from './prompt-stall.js'
import { studioKill } from './studio-kill.js'
import { uploadKill } from './upload-kill.js'
import { writerReaders } from './writer-readers.js'

const RESULTS = fileURLToPath(new URL('../../docs/RELIABILITY.md', import.meta.url))
const HEADER = `# Reliability: fault runs

Produced by \`npm run faults\` against the real OpenCode (opencode-ai, pinned) driven by the project's mock
LLM, on loopback. Each section says when, on what machine and with which command it was produced, the
figures, and a verdict against the goal. Times are milliseconds.

Short forms run in \`npm test\`: test/integration/spawn-restart.test.ts and lifecycle.test.ts (the kills),
attachments-crash.test.ts (upload-kill), hostile-input.test.ts (the whole hostile table, 100 idle
connections), disk-full.test.ts (out of space without a mount: a file-size limit), storage-faults.test.ts.
`

const CASES = {
  'opencode-kill': opencodeKill,
  'studio-kill': studioKill,
  'upload-kill': uploadKill,
  'writer-readers': writerReaders,
  'full-disk': fullDisk,
  hostile,
  'prompt-stall': promptStallFault,
} as const

async function main(): Promise<void> {
  const { positionals } = parseArgs({ allowPositionals: true })
  const names = (positionals.length > 0 ? positionals : Object.keys(CASES)) as (keyof typeof CASES)[]
  const cpu = cpus()
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}/${process.arch}`
  const mock = await startMockLlm()
  const sections = new Map<string, string>()
  try {
    for (const name of names) {
      const run = CASES[name]
      if (!run) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES).join(', ')}`)
      const scratch = createScratch({ llmBaseUrl: mock.baseUrl, prefix: `ocs-fault-${name}-` })
      try {
        process.stderr.write(`faults: ${name}…\n`)
        const command = `npm run faults${positionals.length > 0 ? ` -- ${positionals.join(' ')}` : ''}`
        const body = await run({ scratch, machine, when: new Date().toISOString(), command, llmBaseUrl: mock.baseUrl })
        sections.set(name, body)
        process.stderr.write(`${body}\n\n`)
      } finally {
        scratch.remove()
      }
    }
  } finally {
    await mock.close()
  }
  updateResults(RESULTS, sections, HEADER)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`faults failed: ${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  },
)
