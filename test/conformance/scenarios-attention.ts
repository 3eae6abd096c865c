// What a turn asks of the user: a bash call under `permission: ask` (list, reply once / reject) and the
// question tool (list, reply, reject). Directory `p`; each session carries its own ask rule.

import type { OpencodeClient } from '@opencode-ai/sdk/v2/client'
import { answer, outline, waitNonEmpty, waitTurnDone, type Ctx, type Scenario } from './context.js'

const BASH = '[[tool:bash {"command":"echo permitted","description":"Echo a marker"}]]'
const QUESTION =
  '[[tool:question {"questions":[{"question":"Which color?","header":"Color","options":[{"label":"Blue","description":"the sky"},{"label":"Red","description":"a rose"}]}]}]]'

async function askingSession(c: Ctx, label: string, text: string): Promise<{ client: OpencodeClient; sessionID: string }> {
  const client = c.client('p')
  const created = await client.session.create({ title: label, permission: [{ permission: 'bash', pattern: '*', action: 'ask' }] })
  const sessionID = c.name(label, created.data?.id ?? '')
  await client.session.promptAsync({ sessionID, parts: [{ type: 'text', text }] })
  return { client, sessionID }
}

async function settle(client: OpencodeClient, sessionID: string): Promise<unknown[]> {
  await waitTurnDone(client, sessionID)
  return outline((await client.session.messages({ sessionID })).data ?? [])
}

export const attentionScenarios: Scenario[] = [
  {
    name: 'permission.list while a bash call waits, permission.reply once',
    async run(c) {
      const { client, sessionID } = await askingSession(c, 'perm-once', `run it ${BASH}`)
      const pending = await waitNonEmpty(async () => (await client.permission.list()).data, 'a pending permission')
      const listed = await answer(client.permission.list())
      const replied = await answer(client.permission.reply({ requestID: pending[0]!.id, reply: 'once' }))
      return { listed, replied, after: await answer(client.permission.list()), messages: await settle(client, sessionID) }
    },
  },
  {
    name: 'permission.reply reject with a message',
    async run(c) {
      const { client, sessionID } = await askingSession(c, 'perm-reject', `run it ${BASH}`)
      const pending = await waitNonEmpty(async () => (await client.permission.list()).data, 'a pending permission')
      const replied = await answer(client.permission.reply({ requestID: pending[0]!.id, reply: 'reject', message: 'not now' }))
      return { replied, messages: await settle(client, sessionID) }
    },
  },
  {
    name: 'permission.reply to an unknown request',
    run: (c) => answer(c.client('p').permission.reply({ requestID: 'per_0000000000000000000000000a', reply: 'once' })),
  },
  {
    name: 'question.list while the question tool waits, question.reply',
    async run(c) {
      const { client, sessionID } = await askingSession(c, 'question-reply', `ask me ${QUESTION}`)
      const pending = await waitNonEmpty(async () => (await client.question.list()).data, 'a pending question')
      const listed = await answer(client.question.list())
      const replied = await answer(client.question.reply({ requestID: pending[0]!.id, answers: [['Blue']] }))
      return { listed, replied, after: await answer(client.question.list()), messages: await settle(client, sessionID) }
    },
  },
  {
    name: 'question.reject',
    async run(c) {
      const { client, sessionID } = await askingSession(c, 'question-reject', `ask me ${QUESTION}`)
      const pending = await waitNonEmpty(async () => (await client.question.list()).data, 'a pending question')
      const rejected = await answer(client.question.reject({ requestID: pending[0]!.id }))
      return { rejected, messages: await settle(client, sessionID) }
    },
  },
]
