// Writes a long session straight into OpenCode's SQLite database (as bench/seed-sessions.ts does for
// sessions): alternating user and assistant messages, every fifth assistant message with a tool part.

import Database from 'better-sqlite3'
import { join } from 'node:path'

export function seedMessages(dataDir: string, sessionId: string, count: number): string[] {
  const db = new Database(join(dataDir, 'opencode.db'))
  db.pragma('busy_timeout = 5000')
  const msg = db.prepare('INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?)')
  const part = db.prepare('INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES (?, ?, ?, ?, ?, ?)')
  const base = Date.now() - count * 1000
  const ids: string[] = []
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const n = String(i).padStart(5, '0')
      const id = `msg_seed${n}aaaaaaaaaaaaaaaaa`
      const t = base + i * 1000
      const user = i % 2 === 0
      const info = user
        ? { role: 'user', time: { created: t }, agent: 'build', model: { providerID: 'mock', modelID: 'mock-model' } }
        : { role: 'assistant', time: { created: t, completed: t + 500 }, parentID: ids[i - 1], modelID: 'mock-model', providerID: 'mock', agent: 'build', mode: 'build', finish: 'stop', cost: 0, tokens: { input: 10, output: 5, reasoning: 0, cache: { read: 0, write: 0 } }, path: { cwd: '/', root: '/' } }
      msg.run(id, sessionId, t, t, JSON.stringify(info))
      part.run(`prt_seed${n}a`, id, sessionId, t, t, JSON.stringify({ type: 'text', text: `Seeded message ${n}${user ? '' : ' — a reply with **markdown**'}` }))
      if (!user && i % 10 === 1)
        part.run(`prt_seed${n}b`, id, sessionId, t, t, JSON.stringify({ type: 'tool', tool: 'bash', callID: `call_${n}`, state: { status: 'completed', input: { command: `echo ${n}` }, output: `${n}\n`, title: `echo ${n}`, metadata: {}, time: { start: t, end: t + 20 } } }))
      ids.push(id)
    }
  })()
  db.close()
  return ids
}
