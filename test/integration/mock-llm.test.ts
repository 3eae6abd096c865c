// The harness itself, end to end: the real OpenCode driven by the mock LLM, and the mock's record of
// what reached the model (text, image bytes, tool calls). Later tests rely on these properties.

import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession, prompt as sendPrompt } from '../support/opencode-api.js'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { startOpenCode, type OpenCode } from '../harness/opencode.js'
import { PNG_1X1 } from '../harness/mock-llm/tiny-png.js'


let mock: MockLlm
let opencode: OpenCode

beforeAll(async () => {
  mock = await startMockLlm()
  opencode = await startOpenCode({ llmBaseUrl: mock.baseUrl })
})

afterAll(async () => {
  await opencode?.stop()
  await mock?.close()
  opencode?.scratch.remove()
})

type Reply = { info: { finish?: string }; parts: { type: string; text?: string }[] }

async function prompt(dir: string, parts: unknown[]): Promise<Reply> {
  const session = await createSession(opencode, dir, { title: 'harness' })
  return sendPrompt<Reply>(opencode, dir, session.id, parts)
}

describe('mock LLM behind the real OpenCode', () => {
  it('records the image bytes that reached the model and echoes them', async () => {
    mock.reset()
    const reply = await prompt(opencode.scratch.dir('img'), [
      { type: 'text', text: 'what is this' },
      { type: 'file', mime: 'image/png', filename: 'dot.png', url: PNG_1X1 },
    ])
    const text = reply.parts.find((p) => p.type === 'text')?.text
    expect(text).toBe('ECHO: what is this | parts=text:1,image_url:1 | attachments=1 bytes=70')
    const [seen] = mock.agentRequests()
    expect(seen?.lastUser?.attachments).toMatchObject([{ type: 'image_url', mime: 'image/png', bytes: 70, sha256: createHash('sha256').update(Buffer.from(PNG_1X1.split(',')[1]!, 'base64')).digest('hex') }])
    expect(seen?.toolsOffered).toContain('bash')
  })

  it('drives a real tool call with a marker', async () => {
    mock.reset()
    const reply = await prompt(opencode.scratch.dir('tool'), [
      { type: 'text', text: 'go [[tool:bash {"command":"echo harness-tool-ran","description":"echo"}]]' },
    ])
    expect(reply.parts.find((p) => p.type === 'text')?.text).toBe('TOOL RESULT: harness-tool-ran\n')
    expect(mock.agentRequests().map((r) => r.reply.tool ?? 'text')).toEqual(['bash', 'text'])
  })
})
