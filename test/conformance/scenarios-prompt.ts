// Prompting and what it leaves: prompt (sync) and prompt_async, messages with paging and the cursor,
// message by id, part update, status, abort, fork, revert/unrevert, todo and diff.

import { waitFor } from '../harness/wait.js'
import { answer, outline, WAIT_MS, waitTurnDone, type Scenario } from './context.js'

export const promptScenarios: Scenario[] = [
  {
    name: 'session.prompt (sync) answers the last assistant message',
    run: (c) => answer(c.client('a').session.prompt({ sessionID: c.id('alpha'), parts: [{ type: 'text', text: 'hello sync' }] })),
  },
  {
    name: 'session.prompt again (a second turn)',
    run: (c) => answer(c.client('a').session.prompt({ sessionID: c.id('alpha'), parts: [{ type: 'text', text: 'second turn' }] })),
  },
  {
    name: 'session.messages',
    async run(c) {
      const r = await answer(c.client('a').session.messages({ sessionID: c.id('alpha') }))
      for (const [i, m] of (r.body as Array<{ info: { id: string } }>).entries()) c.name(`alpha-msg${i}`, m.info.id)
      return r
    },
  },
  {
    name: 'session.messages paging: limit, the x-next-cursor header, before=cursor',
    notOnLegacy: '1.1.65 has no `before` cursor (no x-next-cursor, no link); Studio pages legacy storage as 1.18 does',
    async run(c) {
      const client = c.client('a')
      const pages: unknown[] = []
      let before: string | undefined
      for (let i = 0; i < 4; i++) {
        const r = await client.session.messages({ sessionID: c.id('alpha'), limit: 1, ...(before ? { before } : {}) })
        const cursor = r.response.headers.get('x-next-cursor')
        pages.push({ status: r.response.status, ids: (r.data ?? []).map((m) => m.info.id), cursor: cursor ? '<cursor>' : null })
        if (!cursor) break
        before = cursor
      }
      const two = await client.session.messages({ sessionID: c.id('alpha'), limit: 2 })
      return { pages, two: { status: two.response.status, body: two.data, link: two.response.headers.get('link') !== null } }
    },
  },
  {
    // Studio answers from storage with OpenCode's own `400 {"_tag":"BadRequest"}`
    name: 'session.messages with a message id as cursor (rejected)',
    notOnLegacy: '1.1.65 ignores `before`; Studio reads it as 1.18 does',
    run: (c) => answer(c.client('a').session.messages({ sessionID: c.id('alpha'), limit: 1, before: c.id('alpha-msg1') })),
  },
  {
    name: 'session.message by id',
    async run(c) {
      return {
        user: await answer(c.client('a').session.message({ sessionID: c.id('alpha'), messageID: c.id('alpha-msg0') })),
        assistant: await answer(c.client('a').session.message({ sessionID: c.id('alpha'), messageID: c.id('alpha-msg1') })),
      }
    },
  },
  {
    name: 'part.update by id, read back through the message',
    async run(c) {
      const client = c.client('a')
      const msg = await client.session.message({ sessionID: c.id('alpha'), messageID: c.id('alpha-msg0') })
      const part = msg.data!.parts[0]!
      const updated = await answer(
        client.part.update({ sessionID: c.id('alpha'), messageID: c.id('alpha-msg0'), partID: part.id, part: { ...part, text: 'hello sync (edited)' } as never }),
      )
      const after = await answer(client.session.message({ sessionID: c.id('alpha'), messageID: c.id('alpha-msg0') }))
      return { updated, after }
    },
  },
  {
    name: 'session.status while idle',
    async run(c) {
      return { a: await answer(c.client('a').session.status()), none: await answer(c.client().session.status()) }
    },
  },
  {
    name: 'session.prompt_async answers 204; the turn completes',
    async run(c) {
      const client = c.client('a')
      const sent = await answer(client.session.promptAsync({ sessionID: c.id('beta'), parts: [{ type: 'text', text: 'hello async' }] }))
      await waitTurnDone(client, c.id('beta'))
      return { sent, messages: outline((await client.session.messages({ sessionID: c.id('beta') })).data ?? []) }
    },
  },
  {
    name: 'session.status while busy, then session.abort',
    async run(c) {
      const client = c.client('b')
      const sessionID = c.id('gamma')
      const sent = await answer(client.session.promptAsync({ sessionID, parts: [{ type: 'text', text: 'slow [[delay:1000]] [[chunks:60]]' }] }))
      const busy = await waitFor(async () => {
        const s = (await client.session.status()).data ?? {}
        return sessionID in s ? s : null
      }, { timeoutMs: WAIT_MS, what: 'gamma busy' })
      // abort at the same stage on both sides: once the reply is streaming (its assistant message exists)
      await waitFor(async () => {
        const messages = (await client.session.messages({ sessionID })).data ?? []
        return messages.some((m) => m.info.role === 'assistant' && m.info.time.completed === undefined)
      }, { timeoutMs: WAIT_MS, what: 'the reply to stream' })
      const aborted = await answer(client.session.abort({ sessionID }))
      await waitTurnDone(client, sessionID)
      const messages = (await client.session.messages({ sessionID })).data ?? []
      // how much text streamed before the abort depends on timing: keep the outcome, not the text
      const outcome = messages.map(({ info }) => ({ role: info.role, error: 'error' in info ? info.error?.name : undefined }))
      return { sent, busy, aborted, outcome, status: await answer(client.session.status()) }
    },
  },
  {
    name: 'session.fork',
    async run(c) {
      const r = await answer(c.client('a').session.fork({ sessionID: c.id('alpha') }))
      c.name('alpha-fork', r.body?.id, r)
      const messages = await c.client('a').session.messages({ sessionID: c.id('alpha-fork') })
      return { fork: r, messages: outline(messages.data ?? []) }
    },
  },
  {
    name: 'session.fork at a message',
    async run(c) {
      const r = await answer(c.client('a').session.fork({ sessionID: c.id('alpha'), messageID: c.id('alpha-msg2') }))
      const messages = r.body?.id ? await c.client('a').session.messages({ sessionID: r.body.id }) : null
      return { fork: r, messages: outline(messages?.data ?? []) }
    },
  },
  {
    name: 'session.revert and session.unrevert',
    async run(c) {
      const client = c.client('a')
      const sessionID = c.id('alpha')
      const reverted = await answer(client.session.revert({ sessionID, messageID: c.id('alpha-msg2') }))
      const get = await answer(client.session.get({ sessionID }))
      const unreverted = await answer(client.session.unrevert({ sessionID }))
      return { reverted, get, unreverted, messages: outline((await client.session.messages({ sessionID })).data ?? []) }
    },
  },
  {
    name: 'session.todo and session.diff',
    async run(c) {
      const client = c.client('a')
      return {
        todo: await answer(client.session.todo({ sessionID: c.id('alpha') })),
        diff: await answer(client.session.diff({ sessionID: c.id('alpha') })),
        diffAt: await answer(client.session.diff({ sessionID: c.id('alpha'), messageID: c.id('alpha-msg0') })),
      }
    },
  },
]
