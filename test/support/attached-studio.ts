// The usual world of an integration test: the mock LLM, the real OpenCode in a scratch home, and Studio in
// this process attached to it. `prepare` runs once OpenCode is up and before Studio starts (files a test
// needs in place); `args` adds Studio flags. `close` stops all three and removes the scratch home.

import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from './studio.js'

export interface AttachedStudio {
  mock: MockLlm
  oc: OpenCode
  studio: InProcessStudio
  close(): Promise<void>
}

export async function startAttachedStudio(options: { prepare?(oc: OpenCode): void; args?(oc: OpenCode): string[] } = {}): Promise<AttachedStudio> {
  const mock = await startMockLlm()
  let oc: OpenCode | undefined
  let studio: InProcessStudio | undefined
  try {
    oc = await startOpenCode({ llmBaseUrl: mock.baseUrl })
    options.prepare?.(oc)
    studio = await startStudioInProcess({ env: oc.scratch.env, args: [...attachArgs(oc), ...(options.args?.(oc) ?? [])] })
    await studio.app.bridge.whenReady(10_000)
  } catch (err) {
    // what did start is stopped: a failed set-up leaves no process behind
    await studio?.close()
    await oc?.stop()
    await mock.close()
    oc?.scratch.remove()
    throw err
  }
  return {
    mock,
    oc,
    studio,
    async close() {
      await studio.close()
      await oc.stop()
      await mock.close()
      oc.scratch.remove()
    },
  }
}
