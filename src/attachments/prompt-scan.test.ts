import { describe, expect, it } from 'vitest'
import { createPromptScanner, type Segment } from './prompt-scan.js'

/** Feeds `text` cut into pieces of `size` bytes; returns the segments, adjacent byte runs merged. */
function scan(text: string, size: number, holdLimit = 1024): { kind: string; text: string; depth?: number }[] {
  const scanner = createPromptScanner(holdLimit)
  const input = Buffer.from(text)
  const segments: Segment[] = []
  for (let i = 0; i < input.length; i += size) segments.push(...scanner.push(input.subarray(i, i + size)))
  segments.push(...scanner.end())
  const out: { kind: string; text: string; depth?: number }[] = []
  for (const s of segments) {
    const last = out.at(-1)
    if (s.kind === 'bytes' && last?.kind === 'bytes') last.text += s.bytes.toString()
    else out.push(s.kind === 'part' ? { kind: 'part', text: s.bytes.toString(), depth: s.depth } : { kind: 'bytes', text: s.bytes.toString() })
  }
  return out
}

const SIZES = [1, 2, 3, 7, 64, 100_000]

describe('prompt scanner', () => {
  it.each(SIZES)('passes a body without serverPath through byte for byte (chunks of %i)', (size) => {
    const body = '{"parts":[{"type":"text","text":"a \\"quoted\\" serverPath \\\\ {[]}"},{"type":"file","url":"data:x"}],"x":[[[]]]}'
    expect(scan(body, size)).toEqual([{ kind: 'bytes', text: body }])
  })

  it.each(SIZES)('hands over each parts element with a serverPath key whole (chunks of %i)', (size) => {
    const a = '{"type":"file","serverPath":"a.png","meta":{"k":[1,{"serverPath":2}]}}'
    const b = '{ "serverPath" : "b.txt" }'
    const body = `{"agent":"build","parts":[{"type":"text","text":"hi"},${a}, ${b}],"serverPath":"top"}`
    expect(scan(body, size)).toEqual([
      { kind: 'bytes', text: '{"agent":"build","parts":[{"type":"text","text":"hi"},' },
      { kind: 'part', text: a, depth: 4 },
      { kind: 'bytes', text: ', ' },
      { kind: 'part', text: b, depth: 1 },
      { kind: 'bytes', text: '],"serverPath":"top"}' },
    ])
  })

  it('looks only at the top-level parts array and at keys, not values or escaped keys', () => {
    for (const body of [
      '{"other":{"parts":[{"serverPath":"x"}]}}',
      '{"parts":[{"text":"serverPath"}]}',
      '{"parts":[{"server\\u0050ath":"x"}]}',
      '{"parts":[{"nested":{"serverPath":"x"}}]}',
      '[{"parts":[{"serverPath":"x"}]}]',
    ]) {
      expect(scan(body, 3)).toEqual([{ kind: 'bytes', text: body }])
    }
  })

  it('lets an element bigger than the hold limit flow on unchanged, and still finds later ones', () => {
    const big = `{"type":"file","url":"${'A'.repeat(5000)}","serverPath":"x"}`
    const small = '{"serverPath":"y"}'
    const body = `{"parts":[${big},${small}]}`
    expect(scan(body, 512, 1000)).toEqual([
      { kind: 'bytes', text: `{"parts":[${big},` },
      { kind: 'part', text: small, depth: 1 },
      { kind: 'bytes', text: ']}' },
    ])
  })

  it('reports how deeply a held part nests, without recursing', () => {
    const deep = `{"serverPath":"x","n":${'['.repeat(5000)}${']'.repeat(5000)}}`
    const [, part] = scan(`{"parts":[${deep}]}`, 4096, 100_000)
    expect(part).toMatchObject({ kind: 'part', depth: 5001 })
  })

  it('passes a truncated body on as it is', () => {
    expect(scan('{"parts":[{"serverPath":"x"', 5)).toEqual([{ kind: 'bytes', text: '{"parts":[{"serverPath":"x"' }])
  })
})
