import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { dataUrlBytes, summarizeContent } from './inspect.js'
import { parseMarkers, planReply, splitChunks } from './reply.js'
import { PNG_1X1 } from './tiny-png.js'


describe('inspect', () => {
  it('measures decoded bytes of data URLs', () => {
    expect(dataUrlBytes(PNG_1X1)).toMatchObject({ mime: 'image/png', bytes: 70 })
    expect(dataUrlBytes('data:text/plain,hi%20there')).toEqual({
      mime: 'text/plain',
      bytes: 8,
      sha256: createHash('sha256').update('hi there').digest('hex'),
    })
    expect(dataUrlBytes('https://x')).toEqual({ mime: null, bytes: 0, sha256: null })
  })

  it('summarises text and attachment parts', () => {
    const s = summarizeContent([
      { type: 'text', text: 'look' },
      { type: 'image_url', image_url: { url: PNG_1X1 } },
      { type: 'file', file: { file_data: 'data:application/pdf;base64,AAAA' } },
    ])
    expect(s).toMatchObject({ text: 'look', partTypes: ['text', 'image_url', 'file'], attachmentBytes: 73 })
    expect(s.attachments).toMatchObject([
      { type: 'image_url', mime: 'image/png', bytes: 70 },
      { type: 'file', mime: 'application/pdf', bytes: 3 },
    ])
    expect(s.attachments[0]!.sha256).toBe(createHash('sha256').update(Buffer.from(PNG_1X1.split(',')[1]!, 'base64')).digest('hex'))
  })
})

describe('planReply', () => {
  it('echoes the last user text with part and attachment counts', () => {
    const plan = planReply({ messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: [{ type: 'text', text: ' hello\n  world ' }, { type: 'image_url', image_url: { url: PNG_1X1 } }] }] })
    expect(plan).toMatchObject({ kind: 'text', text: 'ECHO: hello world | parts=text:1,image_url:1 | attachments=1 bytes=70', chunks: 3 })
  })

  it('obeys markers and leaves them out of the echo', () => {
    const plan = planReply({ messages: [{ role: 'user', content: 'slow [[delay:25]] [[chunks:5]] please' }] })
    expect(plan).toMatchObject({ kind: 'text', text: 'ECHO: slow please | parts=string:1 | attachments=0 bytes=0', delayMs: 25, chunks: 5 })
    expect(planReply({ messages: [{ role: 'user', content: 'x [[error:503]]' }] })).toEqual({ kind: 'error', status: 503, message: 'mock error 503' })
  })

  it('makes the answer [[long:N]] characters long, the echo then markdown, so [[chunks:N]] deltas carry N / chunks each', () => {
    const plan = planReply({ messages: [{ role: 'user', content: 'stream [[long:4000]] [[chunks:1000]]' }] })
    const echo = 'ECHO: stream | parts=string:1 | attachments=0 bytes=0'
    expect(plan).toMatchObject({ kind: 'text', chunks: 1000 })
    const text = (plan as { text: string }).text
    expect(text.startsWith(`${echo}\n\n`)).toBe(true)
    expect(text.length).toBe(4000)
    expect(text).toContain('```ts')
    expect(splitChunks(text, 1000)).toHaveLength(1000)
  })

  it('calls a tool only when tools are offered, then reports the tool result', () => {
    const text = 'run [[tool:bash {"command":"echo hi","description":"x"}]]'
    expect(planReply({ messages: [{ role: 'user', content: text }] }).kind).toBe('text')
    expect(planReply({ messages: [{ role: 'user', content: text }], tools: [{}] })).toMatchObject({
      kind: 'tool',
      name: 'bash',
      args: '{"command":"echo hi","description":"x"}',
    })
    const withArray = 'ask [[tool:question {"questions":[{"question":"Which?","options":[{"label":"A"}]}]}]] now'
    expect(planReply({ messages: [{ role: 'user', content: withArray }], tools: [{}] })).toMatchObject({
      kind: 'tool',
      name: 'question',
      args: '{"questions":[{"question":"Which?","options":[{"label":"A"}]}]}',
    })
    const after = planReply({ messages: [{ role: 'user', content: text }, { role: 'assistant' }, { role: 'tool', content: 'hi\n' }], tools: [{}] })
    expect(after).toMatchObject({ kind: 'text', text: 'TOOL RESULT: hi\n' })
  })

  it('takes tool arguments holding arrays (the question tool)', () => {
    const args = '{"questions":[{"question":"Which?","header":"Pick","options":[{"label":"A","description":"a"}]}]}'
    expect(planReply({ messages: [{ role: 'user', content: `ask [[tool:question ${args}]] now` }], tools: [{}] })).toMatchObject({ kind: 'tool', name: 'question', args })
  })

  it('counts usage from text and attachments, not from body size', () => {
    const plan = planReply({ messages: [{ role: 'user', content: [{ type: 'text', text: 'abcdefgh' }, { type: 'image_url', image_url: { url: PNG_1X1 } }] }] })
    expect(plan.kind !== 'error' && plan.usage.prompt_tokens).toBe(2 + 100)
  })

  it('parses markers leniently', () => {
    expect(parseMarkers('[[chunks:0]] [[delay:abc]]')).toMatchObject({ chunks: 1, delayMs: 0 })
  })
})

describe('splitChunks', () => {
  it('splits into n nearly equal pieces that join back', () => {
    expect(splitChunks('abcdefg', 3)).toEqual(['abc', 'def', 'g'])
    expect(splitChunks('ab', 5)).toEqual(['a', 'b'])
    expect(splitChunks('', 3)).toEqual([''])
  })
})
