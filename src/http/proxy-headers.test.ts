import { describe, expect, it } from 'vitest'
import { forwardRequestHeaders, forwardResponseHeaders } from './proxy-headers.js'

describe('forwardRequestHeaders', () => {
  it('drops hop-by-hop headers, those named by Connection, host and expect; adds the request id', () => {
    const out = forwardRequestHeaders(
      {
        host: 'localhost:3210',
        connection: 'keep-alive, X-Custom-Hop',
        'keep-alive': 'timeout=5',
        'x-custom-hop': '1',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        upgrade: 'h2c',
        'proxy-authorization': 'Basic x',
        expect: '100-continue',
        'content-type': 'application/json',
        'content-length': '12',
        'x-opencode-directory': '/tmp/a',
        accept: 'text/event-stream',
      },
      'req-1',
    )
    expect(out).toEqual({
      'content-type': 'application/json',
      'content-length': '12',
      'x-opencode-directory': '/tmp/a',
      accept: 'text/event-stream',
      'x-request-id': 'req-1',
    })
  })

  it('overrides a client x-request-id with the id Studio settled on', () => {
    expect(forwardRequestHeaders({ 'x-request-id': 'theirs' }, 'ours')['x-request-id']).toBe('ours')
  })
})

describe('forwardResponseHeaders', () => {
  it("keeps content and repeated headers, drops hop-by-hop ones and OpenCode's CORS answers", () => {
    const out = forwardResponseHeaders({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      'transfer-encoding': 'chunked',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'set-cookie': ['a=1', 'b=2'],
      'x-next-cursor': 'abc',
      'access-control-allow-origin': 'http://localhost:9999',
      'access-control-allow-credentials': 'true',
    })
    expect(out).toEqual({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      'set-cookie': ['a=1', 'b=2'],
      'x-next-cursor': 'abc',
    })
  })
})
