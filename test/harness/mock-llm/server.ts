// A deterministic OpenAI-compatible chat-completions server on loopback, for driving the real
// OpenCode offline. It records what every request carried, so a test can assert what reached the model.

import { appendFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { type ChatMessage, lastUserMessage, summarizeContent, systemHead } from './inspect.js'
import { planReply, type ReplyPlan, splitChunks } from './reply.js'

export interface RecordedRequest {
  seq: number
  ts: string
  path: string
  bodyBytes: number
  model: string | null
  stream: boolean
  toolsOffered: string[]
  messageCount: number
  roles: string[]
  systemHead: string | null
  lastUser: ReturnType<typeof summarizeContent> | null
  reply: { text?: string; tool?: string; error?: number }
}

export interface MockLlm {
  url: string
  /** The `baseURL` OpenCode's provider config needs. */
  baseUrl: string
  port: number
  requests(): RecordedRequest[]
  /** Requests of the main agent (tools offered), leaving out title and summary calls. */
  agentRequests(): RecordedRequest[]
  reset(): void
  close(): Promise<void>
}

export interface MockLlmOptions {
  /** Append one JSON line per request to this file. */
  logFile?: string
}

export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlm> {
  const log: RecordedRequest[] = []
  let seq = 0
  let callId = 0

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: String(err) } }))
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (req.method === 'GET' && path === '/health') return json(res, 200, { ok: true })
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models'))
      return json(res, 200, { object: 'list', data: [{ id: 'mock-model', object: 'model', owned_by: 'mock' }] })
    if (req.method === 'GET' && path === '/__requests') return json(res, 200, log)
    if (req.method === 'POST' && path === '/__reset') {
      log.length = 0
      return json(res, 200, { ok: true })
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) return json(res, 404, { error: 'not found' })

    const raw = await readBody(req)
    const body = JSON.parse(raw.toString('utf8')) as {
      model?: string
      stream?: boolean
      messages?: ChatMessage[]
      tools?: { function?: { name?: string } }[]
    }
    const plan = planReply(body)
    const messages = body.messages ?? []
    const user = lastUserMessage(messages)
    const record: RecordedRequest = {
      seq: ++seq,
      ts: new Date().toISOString(),
      path,
      bodyBytes: raw.length,
      model: body.model ?? null,
      stream: body.stream === true,
      toolsOffered: (body.tools ?? []).map((t) => t.function?.name ?? '?').sort(),
      messageCount: messages.length,
      roles: messages.map((m) => m.role),
      systemHead: systemHead(messages),
      lastUser: user ? summarizeContent(user.content) : null,
      reply: replySummary(plan),
    }
    log.push(record)
    if (options.logFile) appendFileSync(options.logFile, `${JSON.stringify(record)}\n`)

    if (plan.kind === 'error') {
      return json(res, plan.status, { error: { message: plan.message, type: 'mock_error', code: plan.status } })
    }
    const id = `chatcmpl-mock-${record.seq}`
    const model = body.model ?? 'mock-model'
    if (body.stream === true) return streamReply(res, plan, id, model, () => `call_mock_${++callId}`)
    return json(res, 200, completion(plan, id, model, () => `call_mock_${++callId}`))
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    baseUrl: `${url}/v1`,
    port,
    requests: () => [...log],
    agentRequests: () => log.filter((r) => r.toolsOffered.length > 0),
    reset: () => {
      log.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function replySummary(plan: ReplyPlan): RecordedRequest['reply'] {
  if (plan.kind === 'error') return { error: plan.status }
  if (plan.kind === 'tool') return { tool: plan.name }
  return { text: plan.text }
}

async function streamReply(
  res: ServerResponse,
  plan: Exclude<ReplyPlan, { kind: 'error' }>,
  id: string,
  model: string,
  nextCallId: () => string,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
  const created = Math.floor(Date.now() / 1000)
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`)
  const pause = async () => {
    if (plan.delayMs > 0) await sleep(plan.delayMs)
  }

  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])
  if (plan.kind === 'text') {
    for (const piece of splitChunks(plan.text, plan.chunks)) {
      await pause()
      if (res.destroyed) return
      chunk([{ index: 0, delta: { content: piece }, finish_reason: null }])
    }
  } else {
    await pause()
    const call = { index: 0, id: nextCallId(), type: 'function', function: { name: plan.name, arguments: plan.args } }
    chunk([{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }])
  }
  chunk([{ index: 0, delta: {}, finish_reason: plan.kind === 'tool' ? 'tool_calls' : 'stop' }])
  chunk([], { usage: plan.usage })
  res.end('data: [DONE]\n\n')
}

function completion(
  plan: Exclude<ReplyPlan, { kind: 'error' }>,
  id: string,
  model: string,
  nextCallId: () => string,
): unknown {
  const message =
    plan.kind === 'text'
      ? { role: 'assistant', content: plan.text }
      : {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: nextCallId(), type: 'function', function: { name: plan.name, arguments: plan.args } }],
        }
  const finish = plan.kind === 'tool' ? 'tool_calls' : 'stop'
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: plan.usage,
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}
