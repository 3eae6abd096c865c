import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { describe, expect, it } from 'vitest'
import { createBase64Encoder } from './base64-stream.js'

describe('streaming base64', () => {
  it.each([0, 1, 2, 3, 4, 1000, 65_537])('encodes %i bytes in odd-sized chunks exactly like Buffer.toString', async (size) => {
    const data = randomBytes(size)
    const chunks: Buffer[] = []
    for (let i = 0; i < data.length; ) {
      const n = 1 + ((i * 7) % 13)
      chunks.push(data.subarray(i, i + n))
      i += n
    }
    const encoder = createBase64Encoder()
    const out = await text(Readable.from(chunks).pipe(encoder))
    expect(out).toBe(data.toString('base64'))
    expect(encoder.digest()).toBe(createHash('sha256').update(data).digest('hex'))
    expect(encoder.rawBytes()).toBe(size)
  })
})
