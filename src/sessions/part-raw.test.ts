import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { StorageReader } from '../storage/index.js'
import { openPartRaw } from './part-raw.js'

/** A reader holding one stored file part (its JSON as OpenCode writes it), counting the storage reads. */
function storedPart(bytes: Buffer): { reader: StorageReader; reads: () => number } {
  const json = Buffer.from(JSON.stringify({ id: 'prt', type: 'file', mime: 'image/png', filename: 'a.png', url: `data:image/png;base64,${bytes.toString('base64')}` }))
  let reads = 0
  const reader = {
    location: `/test/${Math.random()}`,
    async partBytes() {
      return {
        ok: true as const,
        consistency: null,
        value: {
          size: json.length,
          async read(start: number, length: number) {
            reads++
            return json.subarray(start, start + length)
          },
          close() {},
        },
      }
    },
  } as unknown as StorageReader
  return { reader, reads: () => reads }
}

async function bytesOf(reader: StorageReader, range?: [number, number], stopAfter = Infinity): Promise<Buffer> {
  const read = await openPartRaw(reader, 'ses', 'msg', 'prt')
  if (!read.ok || read.value?.kind !== 'data') throw new Error('not a data part')
  const raw = read.value
  const out: Buffer[] = []
  for await (const piece of raw.stream(range?.[0] ?? 0, range?.[1] ?? raw.size - 1)) {
    out.push(piece)
    if (out.length >= stopAfter) break
  }
  return Buffer.concat(out)
}

describe("a stored file part's bytes", () => {
  // over a storage slice (1 MiB of base64): decoded in several pieces
  const image = randomBytes(1_500_000)

  it('are decoded from storage once: read whole again (or a range of them), they come from memory', async () => {
    const { reader, reads } = storedPart(image)
    expect((await bytesOf(reader)).equals(image)).toBe(true)
    const first = reads()
    expect((await bytesOf(reader)).equals(image)).toBe(true)
    expect((await bytesOf(reader, [1000, 1999])).equals(image.subarray(1000, 2000))).toBe(true)
    expect(reads()).toBe(first)
  })

  it('are not kept from a range read, nor from a read stopped half way', async () => {
    const { reader, reads } = storedPart(image)
    expect((await bytesOf(reader, [10, 20])).equals(image.subarray(10, 21))).toBe(true)
    expect((await bytesOf(reader, undefined, 1)).length).toBeLessThan(image.length)
    const before = reads()
    expect((await bytesOf(reader)).equals(image)).toBe(true)
    expect(reads()).toBeGreaterThan(before) // decoded from storage: nothing partial was kept
  })
})
