// `npm run bench [-- scenario… --iterations N]`: runs the named scenarios (all by default) against a
// real OpenCode and updates bench/RESULTS.md.

import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createContext, type Scenario } from './context.js'
import { updateResults } from './results-file.js'
import { proxyOverhead } from './scenarios/proxy-overhead.js'
import { attachmentForward } from './scenarios/attachment-forward.js'
import { eventFanout } from './scenarios/event-fanout.js'
import { messagePage } from './scenarios/message-page.js'
import { sessionTree } from './scenarios/session-tree.js'
import { statusLocal } from './scenarios/status-local.js'
import { studioStartup } from './scenarios/studio-startup.js'
import { ui } from './scenarios/ui.js'
import { promptStall } from './scenarios/prompt-stall.js'

const SCENARIOS: Scenario[] = [attachmentForward, eventFanout, messagePage, promptStall, proxyOverhead, sessionTree, statusLocal, studioStartup, ui]
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url))

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { iterations: { type: 'string', default: '2000' } },
    allowPositionals: true,
  })
  const iterations = Number(values.iterations)
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error('--iterations must be a positive integer')
  const unknown = positionals.filter((p) => !SCENARIOS.some((s) => s.name === p))
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`)
  const chosen = positionals.length > 0 ? SCENARIOS.filter((s) => positionals.includes(s.name)) : SCENARIOS

  const ctx = await createContext()
  const sections = new Map<string, string>()
  try {
    for (const scenario of chosen) {
      process.stderr.write(`bench: ${scenario.name}…\n`)
      const body = await scenario.run(ctx, { iterations })
      sections.set(scenario.name, body)
      process.stdout.write(`${body}\n\n`)
    }
  } finally {
    await ctx.close()
  }
  updateResults(RESULTS, sections)
  process.stderr.write(`bench: wrote ${RESULTS}\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
