// The data the UI benchmark (and the browser tests that need volume) run on, written straight into
// OpenCode's SQLite database so it is made in seconds, not hours, and both Studio (from storage) and
// OpenCode's own web app (through its API) read the same rows: 10,000 sessions in 200 directories,
// a fifth of them children whose parent usually lives in another directory, and one session of 2,000
// messages shaped like real turns (40 % with tool parts, 5 % with 100 KB tool outputs, 20 inline 1 MB
// PNG attachments). Row shapes follow opencode-reference.md §4.5 and §7.

import type Database from 'better-sqlite3'
import { makePng } from '../test/support/png.js'
import { random } from './seed-sessions.js'

export interface UiDatasetShape {
  sessions: number
  directories: number
  /** One session in this many is a child. */
  childEvery: number
  messages: number
  /** Share of all messages that carry a tool part (all of them assistant messages). */
  toolShare: number
  /** Share of all messages whose tool output is `bigOutputBytes` long. */
  bigOutputShare: number
  bigOutputBytes: number
  images: number
  imageBytes: number
}

export const UI_DATASET: UiDatasetShape = {
  sessions: 10_000,
  directories: 200,
  childEvery: 5,
  messages: 2_000,
  toolShare: 0.4,
  bigOutputShare: 0.05,
  bigOutputBytes: 100 * 1024,
  images: 20,
  imageBytes: 1024 * 1024,
}

export interface SeededUiDataset {
  directories: string[]
  sessionIds: string[]
  longSession: { id: string; directory: string; messageIds: string[] }
}

const VERSION = '1.18.33'
const EPOCH_MS = Date.UTC(2020, 0, 1)
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * OpenCode-style ids: prefix, 12 hex digits of time (inverted for sessions, which sort newest first),
 * then 14 base62 characters (opencode-reference.md §4.1).
 */
function makeId(prefix: 'ses' | 'msg' | 'prt', time: number, counter: number, pick: (n: number) => number): string {
  // OpenCode keeps the low 48 bits of time × 4096, which wraps every ~795 days; a coarser clock from
  // 2020 keeps the whole dataset in one lap, so ids order exactly as their times do
  const value = BigInt(time - EPOCH_MS) * 0x100n + BigInt(counter & 0xff)
  const stamp = prefix === 'ses' ? (~value & 0xffffffffffffn) : value & 0xffffffffffffn
  let tail = ''
  for (let i = 0; i < 14; i++) tail += ALPHABET[pick(ALPHABET.length)]
  return `${prefix}_${stamp.toString(16).padStart(12, '0')}${tail}`
}

function directoryNames(root: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${root}/proj-${String(i).padStart(3, '0')}`)
}

/** Writes the dataset into an OpenCode database (its schema must exist). Deterministic for a given shape. */
export function seedUiDataset(db: Database.Database, workspaceRoot: string, shape: UiDatasetShape = UI_DATASET, now = Date.now()): SeededUiDataset {
  const pick = random(2026)
  const directories = directoryNames(workspaceRoot, shape.directories)
  const insertSession = db.prepare(
    `INSERT INTO session (id, project_id, parent_id, slug, directory, path, title, version, time_created, time_updated)
     VALUES (?, 'global', ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertMessage = db.prepare('INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)')
  const insertPart = db.prepare('INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)')

  const sessionIds: string[] = []
  // sessions were made over the last 200 days; the long session is the newest, its turns run up to now
  const turnMs = 30_000
  const turns = Math.ceil(shape.messages / 2)
  const longCreated = now - turns * turnMs - 60_000
  const start = now - 200 * 86_400_000
  const step = Math.floor((longCreated - start) / shape.sessions)
  const longDirectory = directories[0]!
  let longId = ''
  const messageIds: string[] = []

  db.transaction(() => {
    for (let i = 0; i < shape.sessions; i++) {
      const created = i === shape.sessions - 1 ? longCreated : start + i * step
      // the long session is a root, as a person's long session is (OpenCode's app will not prompt a child)
      const child = i > 0 && i < shape.sessions - 1 && i % shape.childEvery === shape.childEvery - 1
      const parent = child ? sessionIds[pick(i)]! : null
      const directory = i === shape.sessions - 1 ? longDirectory : directories[pick(directories.length)]!
      const id = makeId('ses', created, i, pick)
      const title = i === shape.sessions - 1 ? 'Long session (2,000 messages)' : `${child ? 'Subtask' : 'Session'} ${i}: ${TOPICS[i % TOPICS.length]}`
      insertSession.run(id, parent, `ui-${i}`, directory, directory.slice(1), title, VERSION, created, created + 60_000)
      sessionIds.push(id)
    }
    longId = sessionIds[sessionIds.length - 1]!

    const toolMessages = Math.round(shape.messages * shape.toolShare)
    const bigMessages = Math.round(shape.messages * shape.bigOutputShare)
    // spread tool parts, big outputs and images evenly over the turns
    const every = (count: number, of: number) => (k: number) => count > 0 && Math.floor(((k + 1) * count) / of) > Math.floor((k * count) / of)
    const hasTool = every(toolMessages, turns)
    const hasBig = every(bigMessages, turns)
    const hasImage = every(shape.images, turns)
    const png = shape.images > 0 ? makePng(...pngSide(shape.imageBytes), 11) : null
    const pngUrl = png ? `data:image/png;base64,${png.toString('base64')}` : ''
    const bigOutput = 'x'.repeat(shape.bigOutputBytes - 1) + '\n'
    let t = longCreated + 1000
    let counter = 0
    const message = (data: Record<string, unknown>, created: number) => {
      const id = makeId('msg', created, counter++, pick)
      insertMessage.run(id, longId, created, created, JSON.stringify(data))
      messageIds.push(id)
      return id
    }
    const part = (messageId: string, data: Record<string, unknown>, created: number) =>
      insertPart.run(makeId('prt', created, counter++, pick), messageId, longId, created, created, JSON.stringify(data))

    for (let k = 0; k < turns && messageIds.length < shape.messages; k++) {
      const user = message(
        { role: 'user', time: { created: t }, summary: { diffs: [] }, agent: 'build', model: { providerID: 'mock', modelID: 'mock-model' } },
        t,
      )
      part(user, { type: 'text', text: `Turn ${k}: ${TOPICS[k % TOPICS.length]}. Please look into it and report back.` }, t)
      if (hasImage(k)) part(user, { type: 'file', mime: 'image/png', filename: `screenshot-${k}.png`, url: pngUrl }, t)
      if (messageIds.length >= shape.messages) break
      t += 1000
      const done = t + 4000
      const assistant = message(
        {
          role: 'assistant',
          parentID: user,
          mode: 'build',
          agent: 'build',
          path: { cwd: longDirectory, root: '/' },
          cost: 0,
          tokens: { total: 2400, input: 2300, output: 100, reasoning: 0, cache: { write: 0, read: 0 } },
          modelID: 'mock-model',
          providerID: 'mock',
          time: { created: t, completed: done },
          finish: 'stop',
        },
        t,
      )
      part(assistant, { type: 'step-start' }, t)
      if (hasTool(k)) {
        const output = hasBig(k) ? bigOutput : `file-${k}.ts\nREADME.md\n`
        part(
          assistant,
          {
            type: 'tool',
            tool: 'bash',
            callID: `call_ui_${k}`,
            state: {
              status: 'completed',
              input: { command: `ls -la src/module-${k}`, description: `List module ${k}` },
              output,
              metadata: { output, exit: 0, truncated: false, description: `List module ${k}` },
              title: `ls -la src/module-${k}`,
              time: { start: t + 100, end: t + 900 },
            },
          },
          t + 100,
        )
      }
      part(assistant, { type: 'text', text: reply(k), time: { start: t + 1000, end: done } }, t + 1000)
      part(assistant, { type: 'step-finish', reason: 'stop', tokens: { input: 2300, output: 100, reasoning: 0, cache: { write: 0, read: 0 } }, cost: 0 }, done)
      t = done + turnMs - 5000
    }
    db.prepare('UPDATE session SET time_updated = ? WHERE id = ?').run(t, longId)
  })()
  return { directories, sessionIds, longSession: { id: longId, directory: longDirectory, messageIds } }
}

/** Width and height of an RGB PNG of random pixels that is about `bytes` long (random data does not compress). */
function pngSide(bytes: number): [number, number] {
  const side = Math.max(1, Math.round(Math.sqrt(bytes / 3)))
  return [side, side]
}

/** Text of the long session's newest reply: what a page shows once that message is painted. */
export function newestReplyMarker(data: SeededUiDataset): string {
  return `Result of turn ${Math.ceil(data.longSession.messageIds.length / 2) - 1}`
}

function reply(k: number): string {
  return [
    `## Result of turn ${k}`,
    '',
    `I looked at **${TOPICS[k % TOPICS.length]}**. Here is what I found:`,
    '',
    '- the module loads its configuration once;',
    '- two call sites pass an unchecked value;',
    '- the tests cover the happy path only.',
    '',
    '```ts',
    `export function check${k}(value: unknown): boolean {`,
    "  return typeof value === 'string' && value.length > 0",
    '}',
    '```',
  ].join('\n')
}

const TOPICS = [
  'flaky login test',
  'slow session list',
  'upload progress bar',
  'dark mode contrast',
  'event stream reconnect',
  'memory growth in the timeline',
  'keyboard shortcuts',
  'markdown tables',
]
