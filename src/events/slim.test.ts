import { describe, expect, it } from 'vitest'
import { slimOf, slimStreamPruner } from './slim.js'
import type { GlobalEvent } from './upstream-feed.js'

const ids = { id: 'prt_1', sessionID: 'ses_1', messageID: 'msg_1' }
const event = (part: Record<string, unknown>): GlobalEvent => ({
  directory: '/w',
  payload: { id: 'evt_1', type: 'message.part.updated', properties: { sessionID: 'ses_1', part, time: 1 } },
})

describe('slim copies', () => {
  it('prunes a small data URL too, and leaves events with nothing to prune alone', () => {
    const small = event({ ...ids, type: 'file', mime: 'image/png', url: 'data:image/png;base64,QUJD' })
    const slim = JSON.parse(slimOf(small, JSON.stringify(small), 8192)!)
    expect(slim.payload.properties.part).toMatchObject({ url: '/api/session/ses_1/message/msg_1/part/prt_1/raw', size: 3 })
    expect(slim.directory).toBe('/w')
    const text = event({ ...ids, type: 'text', text: 'x'.repeat(20_000) })
    expect(slimOf(text, JSON.stringify(text), 8192)).toBeUndefined()
  })

  it('prunes a large event from its bytes in pieces', () => {
    const big = event({ ...ids, type: 'tool', tool: 'bash', state: { status: 'completed', input: {}, output: 'y'.repeat(3_000_000), metadata: { output: 'y'.repeat(30_000) } } })
    const bytes = Buffer.from(JSON.stringify(big))
    const pruner = slimStreamPruner('message.part.updated', bytes.subarray(0, 1 << 20), 8192)!
    pruner.feed(bytes.subarray(0, 1 << 20))
    for (let at = 1 << 20; at < bytes.length; at += 65_536) pruner.feed(bytes.subarray(at, at + 65_536))
    const slim = JSON.parse(pruner.finish()!)
    expect(slim.payload.properties.part.state.output).toHaveLength(8192)
    expect(slim.payload.properties.part.studio).toEqual({ pruned: true, outputBytes: 3_000_000, fields: ['state.output', 'state.metadata.output'] })
    expect(slimStreamPruner('message.part.updated', Buffer.from('{"payload":{"properties":{"part":{"id":"p","type":"text"'), 8192)).toBeNull()
  })
})
