// Streaming base64: input chunks of any size in, base64 text out, with the 0–2 bytes that do not fill a
// 3-byte group carried to the next chunk, and the SHA-256 of the raw bytes computed on the way.

import { createHash, type Hash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

export interface Base64Encoder extends Transform {
  /** Hex SHA-256 of everything that went in (valid once the stream has ended). */
  digest(): string
  rawBytes(): number
}

export function createBase64Encoder(): Base64Encoder {
  const hash: Hash = createHash('sha256')
  let carry: Buffer = Buffer.alloc(0)
  let raw = 0
  let hex = ''
  const t = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      hash.update(chunk)
      raw += chunk.length
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk
      const usable = data.length - (data.length % 3)
      carry = data.subarray(usable)
      done(null, usable > 0 ? Buffer.from(data.subarray(0, usable).toString('base64'), 'latin1') : undefined)
    },
    flush(done: TransformCallback) {
      hex = hash.digest('hex')
      done(null, carry.length > 0 ? Buffer.from(carry.toString('base64'), 'latin1') : undefined)
    },
  }) as Base64Encoder
  t.digest = () => hex
  t.rawBytes = () => raw
  return t
}
