// A long session for the message-page benchmark, written as rows into a copy of OpenCode's database
// (building 2,000 messages through OpenCode and the mock takes far longer than the measurement): 1,000
// turns of a user message and an assistant reply. 40 % of the messages carry a bash tool part, 5 % one
// whose output is 100 KB; 20 user messages carry a 1 MB PNG as a data URL. Shapes are OpenCode 1.18.33's
// (opencode-reference.md §4.5, §7): `data` holds the API object without its ids.

import Database from 'better-sqlite3'
import { makePng } from '../test/support/png.js'
import { random } from './seed-sessions.js'

export const MESSAGES = 2000
const IMAGES = 20
const BIG_OUTPUT_BYTES = 100 * 1024

export interface SeededSession {
  /** Message ids, oldest first, with their creation times (for `before` cursors). */
  messages: { id: string; time: number }[]
}

export function seedLongSession(dbPath: string, sessionId: string, directory: string): SeededSession {
  const db = new Database(dbPath)
  const pick = random(11)
  const png = makePng(580, 580, 9) // ≈ 1 MB
  const image = `data:image/png;base64,${png.toString('base64')}`
  const insertMessage = db.prepare('INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)')
  const insertPart = db.prepare('INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)')
  const base = Date.now() - MESSAGES * 1000
  const messages: SeededSession['messages'] = []
  // which assistant messages get a tool part (800 = 40 % of all messages) and a big output (100 = 5 %)
  const turns = MESSAGES / 2
  const order = Array.from({ length: turns }, (_, i) => i).sort(() => pick(3) - 1)
  const withTool = new Set(order.slice(0, 800))
  const bigOutput = new Set(order.slice(0, 100))
  const tokens = { input: 120, output: 40, reasoning: 0, cache: { read: 0, write: 0 } }
  let partSeq = 0
  const pad = (n: number) => String(n).padStart(8, '0')
  db.transaction(() => {
    for (let t = 0; t < turns; t++) {
      const userId = `msg_bench${pad(2 * t)}`
      const at = base + t * 2000
      insertMessage.run(
        userId,
        sessionId,
        at,
        at,
        JSON.stringify({ role: 'user', time: { created: at }, agent: 'build', model: { providerID: 'mock', modelID: 'mock-model' }, summary: { diffs: [] } }),
      )
      messages.push({ id: userId, time: at })
      const part = (messageId: string, time: number, data: Record<string, unknown>) =>
        insertPart.run(`prt_bench${pad(partSeq++)}`, messageId, sessionId, time, time, JSON.stringify(data))
      part(userId, at, { type: 'text', text: `Question ${t}: ${'please look at this. '.repeat(1 + pick(10))}` })
      if (t % (turns / IMAGES) === turns / IMAGES - 1) part(userId, at, { type: 'file', mime: 'image/png', filename: `shot-${t}.png`, url: image })

      const replyId = `msg_bench${pad(2 * t + 1)}`
      const rt = at + 1000
      insertMessage.run(
        replyId,
        sessionId,
        rt,
        rt,
        JSON.stringify({
          role: 'assistant',
          parentID: userId,
          mode: 'build',
          agent: 'build',
          path: { cwd: directory, root: '/' },
          cost: 0,
          tokens,
          modelID: 'mock-model',
          providerID: 'mock',
          time: { created: rt, completed: rt + 500 },
          finish: 'stop',
        }),
      )
      messages.push({ id: replyId, time: rt })
      part(replyId, rt, { type: 'step-start' })
      if (withTool.has(t)) {
        const output = bigOutput.has(t) ? 'x'.repeat(BIG_OUTPUT_BYTES - 1) + '\n' : `ran step ${t}\n`.repeat(20)
        part(replyId, rt, {
          type: 'tool',
          tool: 'bash',
          callID: `call_bench_${t}`,
          state: {
            status: 'completed',
            input: { command: `make step-${t}`, description: `Step ${t}` },
            output,
            metadata: { output: output.slice(0, 30_000), exit: 0, truncated: false },
            title: `make step-${t}`,
            time: { start: rt, end: rt + 100 },
          },
        })
      }
      part(replyId, rt, { type: 'text', text: `Answer ${t}: ${'here is what I found. '.repeat(3 + pick(30))}`, time: { start: rt, end: rt + 400 } })
      part(replyId, rt, { type: 'step-finish', reason: 'stop', tokens, cost: 0 })
    }
  })()
  db.close()
  return { messages }
}
