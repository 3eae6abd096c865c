// OpenCode's own CLI and TUI through Studio: `opencode run --attach <studio>/api` prints exactly what it
// prints attached straight to OpenCode and the turn completes; `--file` delivers the file; the TUI
// (`opencode attach <studio>/api`, in tmux) shows the reply to a prompt typed into it.

import { writeFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockLlm, type MockLlm } from '../harness/mock-llm/server.js'
import { pinnedOpenCodeBin, startOpenCode, type OpenCode } from '../harness/opencode.js'
import { waitFor } from '../harness/wait.js'
import { callJson } from '../support/http.js'
import { attachArgs, startStudioInProcess, type InProcessStudio } from '../support/studio.js'
import { plainText, runInPty, startTmux, type PtyResult } from '../support/terminal.js'

/** The CLI is a 180 MB binary: loading it takes seconds, more on a busy machine. */
const CLI_MS = 120_000

let mock: MockLlm
let opencode: OpenCode
let studio: InProcessStudio
/** What reached Studio, for a failure's message: when each request came, and its status once answered. */
const seen: string[] = []
/** Per session, when Studio finished answering its prompt, and when it relayed the session's first event and the turn's first assistant event on a client's /event stream. */
interface Wire {
  answered?: number
  firstRelayed?: number
  assistantRelayed?: number
}
const wire = new Map<string, Wire>()
function wireOf(id: string): Wire {
  let at = wire.get(id)
  if (!at) wire.set(id, (at = {}))
  return at
}

beforeAll(async () => {
  mock = await startMockLlm()
  opencode = await startOpenCode({ llmBaseUrl: mock.baseUrl, startTimeoutMs: 90_000 })
  studio = await startStudioInProcess({ env: opencode.scratch.env, args: attachArgs(opencode) })
  await studio.app.bridge.whenReady(30_000)
  const t0 = Date.now()
  studio.app.server.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const line = `${Date.now() - t0} ms ${req.method} ${req.url?.split('?')[0]}`
    seen.push(line)
    watchWire(req, res)
    res.once('close', () => seen.push(`${Date.now() - t0} ms ${res.statusCode} (headers ${res.headersSent ? 'sent' : 'unsent'}) for ${line}`))
  })
}, 150_000)

/**
 * Watches what Studio writes back: the prompt's answer, and the event frames relayed on /api/event (the
 * proxy writes OpenCode's frames into the response as they arrive).
 */
function watchWire(req: IncomingMessage, res: ServerResponse): void {
  const prompt = req.method === 'POST' ? /^\/api\/session\/([^/?]+)\/message/.exec(req.url ?? '') : null
  if (prompt) res.once('finish', () => (wireOf(prompt[1]!).answered ??= performance.now()))
  if (req.method !== 'GET' || !req.url?.startsWith('/api/event')) return
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    for (const frame of String(chunk).split('\n\n')) {
      const session = /"sessionID":"([^"]+)"/.exec(frame)?.[1]
      if (session === undefined) continue
      const at = wireOf(session)
      at.firstRelayed ??= performance.now()
      if (/"type":"message\.updated".*"role":"assistant"/.test(frame)) at.assistantRelayed ??= performance.now()
    }
    return write(chunk, ...rest)
  }) as typeof res.write
}

afterAll(async () => {
  await studio?.close()
  await opencode?.stop()
  await mock?.close()
  opencode?.scratch.remove()
})

interface Turn {
  session: { id: string; title: string; directory: string }
  messages: Array<{ info: { role: string; time: { completed?: number } }; parts: Array<{ type: string; text?: string; filename?: string; mime?: string; tool?: string }> }>
}

/** Sessions of `directory` straight from OpenCode, newest first. */
async function sessionIds(directory: string): Promise<string[]> {
  const r = await callJson(`${opencode.url}/session?directory=${encodeURIComponent(directory)}`)
  return (r.body as Array<{ id: string }>).map((s) => s.id)
}

/** Runs the CLI in `cwd` and returns its output with the one session it made, read straight from OpenCode. */
async function cliTurn(args: string[], cwd: string, directory: string): Promise<{ run: PtyResult; turn: Turn }> {
  const before = new Set(await sessionIds(directory))
  const run = await runInPty([pinnedOpenCodeBin(), 'run', ...args], { env: opencode.scratch.env, cwd, timeoutMs: CLI_MS })
  const made = (await sessionIds(directory)).filter((id) => !before.has(id))
  expect(made, `one new session in ${directory}; CLI output:\n${plainText(run.output)}`).toHaveLength(1)
  const id = made[0]!
  const session = (await callJson(`${opencode.url}/session/${id}`)).body
  const messages = (await callJson(`${opencode.url}/session/${id}/message`)).body
  return { run, turn: { session, messages } }
}

const replyOf = (turn: Turn) =>
  turn.messages
    .filter((m) => m.info.role === 'assistant')
    .flatMap((m) => m.parts.filter((p) => p.type === 'text').map((p) => p.text))
    .join('\n')

/** How long before the prompt's answer the turn's first assistant event must have been relayed for the CLI to be sure to print it. */
const HEADER_MARGIN_MS = 25

const linesOf = (output: string) =>
  plainText(output)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)

/**
 * In attach mode the CLI exits as soon as the prompt answers, printing what its event stream delivered by
 * then. OpenCode answers a short turn before its stream carries the turn's last events, and under load
 * before it carries even the first ones (measured straight to OpenCode, no Studio involved: a busy machine
 * makes the CLI print nothing in ~1 run of 9). So what is compared: nothing but lines of the
 * `> agent · model` header or the reply, either way; and through Studio, the header whenever Studio relayed
 * the turn's first assistant event well before it answered the prompt (the order OpenCode sent them in).
 */
function expectSameOutput(through: { run: PtyResult; turn: Turn }, straight: { run: PtyResult; turn: Turn }): void {
  const header = '> build · mock-model'
  const said = `through Studio the CLI printed:\n${plainText(through.run.output)}\nStudio saw:\n${seen.join('\n')}`
  const { answered, firstRelayed, assistantRelayed } = wireOf(through.turn.session.id)
  expect(answered, said).toBeDefined()
  // the prompt's own user message is published long before the turn ends: the CLI's stream carried it
  expect(firstRelayed, said).toBeDefined()
  // the CLI reads its two connections in its own order: "before" needs a margin to be a fact, not a race
  if (assistantRelayed !== undefined && assistantRelayed < answered! - HEADER_MARGIN_MS) expect(linesOf(through.run.output)[0], said).toBe(header)
  for (const { run, turn } of [through, straight]) {
    const allowed = new Set([header, ...replyOf(turn).split('\n').map((l) => l.trim())])
    const tools = turn.messages.flatMap((m) => m.parts.filter((p) => p.type === 'tool').map((p) => String(p.tool).toLowerCase()))
    for (const line of linesOf(run.output)) {
      if (tools.some((tool) => line.toLowerCase().includes(tool))) continue // a tool call's line
      expect(allowed, `a line the turn does not explain: ${line}`).toContain(line)
    }
  }
}

describe('opencode run --attach', () => {
  it('prints through Studio exactly what it prints straight to OpenCode, and the turn completes', async () => {
    const cwd = opencode.scratch.workspace
    const straight = await cliTurn(['--attach', opencode.url, 'hello from the cli'], cwd, cwd)
    const through = await cliTurn(['--attach', `${studio.url}/api`, 'hello from the cli'], cwd, cwd)

    expect(through.run.code).toBe(0)
    expect(straight.run.code).toBe(0)
    expectSameOutput(through, straight)

    for (const { turn } of [straight, through]) {
      expect(turn.session.directory).toBe(cwd)
      expect(turn.messages.map((m) => m.info.role)).toEqual(['user', 'assistant'])
      expect(turn.messages[1]!.info.time.completed).toBeGreaterThan(0)
      expect(replyOf(turn)).toBe('ECHO: "hello from the cli" | parts=string:1 | attachments=0 bytes=0')
    }
  }, 2 * CLI_MS + 30_000)

  it('with --dir and --file: the file reaches the model through Studio, as it does straight', async () => {
    const dir = opencode.scratch.dir('cli-file')
    writeFileSync(join(dir, 'note.txt'), 'the secret word is pumpernickel\n')
    // the message first: --file takes every word after it
    const args = (url: string) => ['read the note', '--attach', url, '--dir', dir, '--file', 'note.txt']
    const straight = await cliTurn(args(opencode.url), dir, dir)
    mock.reset()
    const through = await cliTurn(args(`${studio.url}/api`), dir, dir)

    expect(through.run.code).toBe(0)
    expectSameOutput(through, straight)
    const userParts = (turn: Turn) => turn.messages[0]!.parts.map((p) => ({ type: p.type, filename: p.filename, mime: p.mime }))
    expect(userParts(through.turn)).toEqual(userParts(straight.turn))
    expect(userParts(through.turn)).toContainEqual({ type: 'file', filename: 'note.txt', mime: 'text/plain' })
    expect(JSON.stringify(mock.agentRequests())).toContain('pumpernickel')
    expect(replyOf(through.turn)).toBe(replyOf(straight.turn))
  }, 2 * CLI_MS + 30_000)
})

describe('opencode attach (the TUI)', () => {
  it('shows the reply to a prompt typed into it', async () => {
    const dir = opencode.scratch.dir('tui')
    const tmux = await startTmux([pinnedOpenCodeBin(), 'attach', `${studio.url}/api`, '--dir', dir], {
      env: opencode.scratch.env,
      cwd: dir,
      name: 'ocs-tui',
    })
    try {
      // ready once the prompt box shows its placeholder
      await waitFor(async () => (await tmux.screen()).includes('Ask anything'), { timeoutMs: CLI_MS, what: 'the TUI to draw its prompt' })
      await tmux.type('hello from the tui')
      const screen = await waitFor(
        async () => {
          const s = await tmux.screen()
          return s.includes('ECHO: hello from the tui') ? s : null
        },
        { timeoutMs: 60_000, intervalMs: 250, what: 'the reply on the TUI screen' },
      )
      expect(screen).toContain('ECHO: hello from the tui')
      const ids = await sessionIds(dir)
      expect(ids).toHaveLength(1)
      const messages = (await callJson(`${opencode.url}/session/${ids[0]}/message`)).body as Turn['messages']
      expect(replyOf({ session: { id: ids[0]!, title: '', directory: dir }, messages })).toContain('ECHO: hello from the tui')
    } finally {
      await tmux.stop()
    }
  }, 2 * CLI_MS + 30_000)
})
