// The two sides the conformance suite compares: an OpenCode answered straight, and a second OpenCode, set up
// identically, answered through Studio's /api. Each side has its own mock LLM (its tool-call counter is part
// of the answers) and its own scratch home; the scratch roots have the same length, so the prompts (which
// carry the working directory) cost the same tokens on both sides.

import { createOpencodeClient, type OpencodeClient } from '@opencode-ai/sdk/v2/client'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'

export interface Side {
  name: 'opencode' | 'studio'
  /** What the SDK is pointed at: OpenCode's URL, or Studio's `<url>/api`. */
  baseUrl: string
  opencode: OpenCode
  mock: MockLlm
  studio: InProcessStudio | null
  /** An SDK client; `directory` is sent with every request, as OpenCode's own clients do. */
  client(directory?: string): OpencodeClient
  /** `<workspace>/<name>`, created. */
  dir(name: string): string
  /** Strings that differ between the sides only by where they run, and what each becomes when compared. */
  replacements: Array<[string, string]>
  stop(): Promise<void>
}

/** Generous: six test suites may be starting OpenCodes on this machine at once. */
const START_TIMEOUT_MS = 90_000

export interface SideOptions {
  bin?: string
}

export async function startSide(name: Side['name'], options: SideOptions = {}): Promise<Side> {
  const mock = await startMockLlm()
  const opencode = await startOpenCode({ llmBaseUrl: mock.baseUrl, startTimeoutMs: START_TIMEOUT_MS, ...(options.bin ? { bin: options.bin } : {}) })
  let studio: InProcessStudio | null = null
  if (name === 'studio') {
    studio = await startStudioInProcess({ env: opencode.scratch.env, args: attachArgs(opencode) })
    await studio.app.bridge.whenReady(30_000)
  }
  const baseUrl = studio ? `${studio.url}/api` : opencode.url
  return {
    name,
    baseUrl,
    opencode,
    mock,
    studio,
    client: (directory) => createOpencodeClient({ baseUrl, ...(directory ? { directory } : {}) }),
    dir: (d) => opencode.scratch.dir(d),
    replacements: [
      [opencode.scratch.root, '<root>'],
      // a session's `path` outside a git project is its directory without the leading slash
      [opencode.scratch.root.slice(1), '<root>'],
      [mock.baseUrl, '<mock>'],
      [opencode.url, '<opencode>'],
      ...(studio ? ([[studio.url, '<studio>']] as Array<[string, string]>) : []),
    ],
    async stop() {
      await studio?.close()
      await opencode.stop()
      await mock.close()
      opencode.scratch.remove()
    },
  }
}
