import { describe, expect, it } from 'vitest'
import { CUT_AFTER, lastSafeCut, piecesHold } from './markdown-blocks'
import { toHtml } from './markdown-core'

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Blocks a reply is made of, including every kind a cut must not split or join. */
const BLOCKS = [
  'A paragraph with **bold**, `code` and a link https://example.com that runs on\nover a second line.',
  '# A heading',
  'Setext heading\n---',
  '- tight\n- list',
  '- loose\n\n- list\n\n  with a paragraph inside the item',
  '1. ordered\n2. list',
  '3. starts at three\n\n4. and is loose',
  '2024. was a year (reads as an ordered list item)',
  '```ts\nconst a = 1\n\nconst b = 2 // a blank line inside the fence\n```',
  '~~~\ntilde fence\n\n```\nnot a closer\n~~~',
  '````md\n```\ninner\n```\n\nstill inside\n````',
  '```a`b\nnot a fence: its info has a backtick\n```',
  '    indented code\n\n    after a blank line',
  '> a quote\n> on two lines',
  '| a | b |\n| - | - |\n| 1 | 2 |',
  '***',
  'Text right after a list without a blank line\n- item',
  '\tcode after a tab',
  'A [reference link][docs] that only renders as a link once its definition is in.',
]
/** Put in some replies only, late: it arrives after cuts were made. */
const DEFINITION = '[docs]: https://example.com/docs'

function reply(seed: number, blocks: number): string {
  const next = random(seed)
  const out: string[] = []
  for (let i = 0; i < blocks; i++) out.push(BLOCKS[Math.floor(next() * BLOCKS.length)]!)
  if (seed % 4 === 0) out.splice(Math.floor(blocks * 0.8), 0, DEFINITION)
  return out.join(next() < 0.5 ? '\n\n' : '\n\n\n') + '\n'
}

/** Streams `text` in steps, cutting as the UI does; checks every step's pieces render as the whole does. */
function streamAndCheck(text: string, step: number): { cuts: number; undone: number } {
  const segments: string[] = []
  let cuts = 0
  let undone = 0
  let from = 0
  for (let end = step; ; end = Math.min(text.length, end + step)) {
    const shown = text.slice(0, end)
    if (!piecesHold(shown, from)) {
      undone += segments.length > 0 ? 1 : 0
      segments.length = 0
      from = 0
    }
    const cut = lastSafeCut(shown, from)
    if (cut >= 0) {
      expect(cut).toBeGreaterThan(from)
      segments.push(toHtml(shown.slice(from, cut)).html)
      cuts++
      from = cut
    }
    expect(segments.join('') + toHtml(shown.slice(from)).html).toBe(toHtml(shown).html)
    if (end === text.length) return { cuts, undone }
  }
}

describe('lastSafeCut', () => {
  it('cuts long replies into pieces that render exactly as the whole does', () => {
    let cuts = 0
    let undone = 0
    for (let seed = 1; seed <= 40; seed++) {
      const r = streamAndCheck(reply(seed, 400), 997)
      cuts += r.cuts
      undone += r.undone
    }
    // the check is not vacuous: replies were cut several times, and a late definition undid some pieces
    expect(cuts).toBeGreaterThan(40 * 3)
    expect(undone).toBeGreaterThan(0)
  })

  it('does not cut a text shorter than CUT_AFTER after the last cut', () => {
    const text = 'para\n\n'.repeat(Math.floor((CUT_AFTER - 1) / 6))
    expect(lastSafeCut(text, 0)).toBe(-1)
    expect(lastSafeCut('x'.repeat(10) + text, 10)).toBe(-1)
  })

  it('never cuts inside a fenced code block, however long', () => {
    const text = '```\n' + 'line\n\nafter a blank\n'.repeat(400) + '```\n\nafter the fence\n' + 'x\n'.repeat(200)
    const cut = lastSafeCut(text, 0)
    expect(cut).toBe(text.indexOf('after the fence'))
  })

  it('never cuts before a list item or an indented line', () => {
    expect(lastSafeCut('- item\n\n'.repeat(800) + '- last', 0)).toBe(-1)
    expect(lastSafeCut('1. item\n\n'.repeat(800) + '2. last', 0)).toBe(-1)
    expect(lastSafeCut('p\n\n' + '  continued item text\n\n'.repeat(300) + 'tail', 0)).toBe(-1)
    expect(lastSafeCut('p\n\n' + '    code\n\n'.repeat(600) + 'tail', 0)).toBe(-1)
  })

  it('undoes the pieces when a link reference definition arrives after them', () => {
    const text = 'see [the docs][d]\n\n' + 'para\n\n'.repeat(1000)
    const cut = lastSafeCut(text, 0)
    expect(cut).toBeGreaterThan(0)
    expect(piecesHold(text + 'more\n', cut)).toBe(true)
    expect(piecesHold(text + '[d]: https://example.com\n', cut)).toBe(false)
  })

  it('never cuts a text with a link reference definition', () => {
    const text = 'see [the docs][d]\n\n' + 'para\n\n'.repeat(1000) + '[d]: https://example.com\n'
    expect(lastSafeCut(text, 0)).toBe(-1)
  })

  it('leaves the line being written and the last few hundred characters after the cut', () => {
    const text = 'para\n\n'.repeat(1000) + 'partial line still stream'
    const cut = lastSafeCut(text, 0)
    expect(cut).toBeGreaterThan(0)
    expect(text.length - cut).toBeGreaterThanOrEqual(256)
  })
})
