// Streams a request body onward while counting it: past the limit the stream fails with body_too_large,
// so an oversized upload is refused without ever being buffered.

import type { IncomingMessage } from 'node:http'
import { pipeline, Transform } from 'node:stream'
import { bodyTooLarge } from './errors.js'

export interface LimitedBody {
  stream: Transform
  exceeded(): boolean
}

export function limitBody(source: IncomingMessage, maxBytes: number): LimitedBody {
  let seen = 0
  let over = false
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length
      if (seen > maxBytes) {
        over = true
        callback(bodyTooLarge(maxBytes))
        return
      }
      callback(null, chunk)
    },
  })
  pipeline(source, stream, () => {})
  return { stream, exceeded: () => over }
}
