// What every scenario runs against: the mock LLM, a real OpenCode, and Studio as its own process
// (attached to that OpenCode), so the benchmark client never shares an event loop with Studio.

import { cpus } from 'node:os'
import { startMockLlm, type MockLlm } from '../test/harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../test/harness/opencode.js'
import { startStudioChild, waitStudioReady, type ChildStudio } from '../test/support/studio.js'

export interface BenchContext {
  mock: MockLlm
  opencode: OpenCode
  studio: ChildStudio
  machine: string
  close(): Promise<void>
}

export interface Scenario {
  name: string
  /** Returns the markdown body of the scenario's section in RESULTS.md. */
  run(ctx: BenchContext, options: { iterations: number }): Promise<string>
}

export async function createContext(): Promise<BenchContext> {
  const mock = await startMockLlm()
  const opencode = await startOpenCode({ llmBaseUrl: mock.baseUrl })
  const studio = await startStudioChild({
    env: opencode.scratch.env,
    args: ['--opencode-port', String(opencode.port), '--opencode-data-dir', opencode.scratch.dataDir, '--log-level', 'warn'],
  })
  // attached: OpenCode is already up, but Studio's first probe may take a moment on a loaded machine
  await waitStudioReady(studio.url, { timeoutMs: 60_000 })
  const cpu = cpus()
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}/${process.arch}`
  return {
    mock,
    opencode,
    studio,
    machine,
    async close() {
      await studio.stop()
      await opencode.stop()
      await mock.close()
      opencode.scratch.remove()
    },
  }
}
