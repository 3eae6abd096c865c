import { describe, expect, it } from 'vitest'
import { createSseSplitter } from './sse-split.js'

function run(input: string, maxBytes: number, chunkSizes: number[], dropBig = false) {
  const out: string[] = []
  let big = ''
  const splitter = createSseSplitter(maxBytes, {
    message: (data) => out.push(`msg:${data}`),
    bigStart: (head) => {
      big = head.toString()
      return !dropBig
    },
    bigChunk: (chunk) => (big += chunk.toString()),
    bigEnd: () => {
      out.push(`big:${big}`)
      big = ''
    },
  })
  const bytes = Buffer.from(input)
  let i = 0
  for (let k = 0; i < bytes.length; k++) {
    const n = chunkSizes[k % chunkSizes.length]!
    splitter.feed(bytes.subarray(i, i + n))
    i += n
  }
  return out
}

const stream = 'data: {"a":1}\n\ndata: {"long":"' + 'x'.repeat(100) + '"}\n\ndata: {"b":2}\n\n'

describe('SSE splitter', () => {
  it.each([[[1]], [[2]], [[3]], [[7]], [[64]], [[1000]], [[5, 1, 13]]])('delivers whole messages with chunks of %j', (sizes) => {
    expect(run(stream, 10_000, sizes)).toEqual(['msg:{"a":1}', `msg:{"long":"${'x'.repeat(100)}"}`, 'msg:{"b":2}'])
  })

  it.each([[[1]], [[2]], [[3]], [[17]], [[50]], [[9, 1, 2]]])('relays a message over the limit in pieces, byte for byte (chunks %j)', (sizes) => {
    expect(run(stream, 40, sizes)).toEqual(['msg:{"a":1}', `big:{"long":"${'x'.repeat(100)}"}`, 'msg:{"b":2}'])
  })

  it('drops the rest of a big message when told to, and carries on', () => {
    expect(run(stream, 40, [16], true)).toEqual(['msg:{"a":1}', 'msg:{"b":2}'])
  })

  it('joins multi-line data and ignores other fields', () => {
    expect(run('event: x\nid: 4\ndata: one\ndata:two\n\n', 1000, [4])).toEqual(['msg:one\ntwo'])
  })
})
