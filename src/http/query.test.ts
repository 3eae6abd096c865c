import { describe, expect, it } from 'vitest'
import { StudioError } from '../lib/errors.js'
import { boolish, count, csv, headerDirectory, strictBool, text } from './query.js'

describe('boolish (session list flags)', () => {
  it.each([
    [undefined, false],
    ['', true],
    ['1', true],
    ['true', true],
    ['YES', true],
    [' on ', true],
    ['banana', true],
    ['0', false],
    ['false', false],
    ['No', false],
    ['off', false],
    [['false', 'true'], true],
  ] as const)('%j → %s', (v, expected) => expect(boolish(v as never)).toBe(expected))
})

describe('strictBool (status flags)', () => {
  it.each([
    [undefined, false],
    ['', true],
    ['1', true],
    ['TRUE', true],
    ['yes', true],
    ['on', true],
    ['banana', false],
    ['0', false],
  ] as const)('%j → %s', (v, expected) => expect(strictBool(v)).toBe(expected))
})

describe('count', () => {
  it.each([
    [undefined, null],
    ['', 0],
    ['  ', 0],
    ['20', 20],
    ['2.9', 2],
    ['-5', 0],
    ['1e2', 100],
  ] as const)('%j → %j', (v, expected) => expect(count('limit', v)).toBe(expected))

  it('refuses what is not a number, with the zod-style detail', () => {
    try {
      count('limit', 'abc')
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(StudioError)
      const e = err as StudioError
      expect(e.statusCode).toBe(400)
      expect(e.code).toBe('invalid_query')
      expect(e.extra).toMatchObject({ data: { name: 'limit', value: 'abc' }, success: false })
    }
  })
})

describe('text and csv', () => {
  it('trim and drop blanks', () => {
    expect(text('  a ')).toBe('a')
    expect(text('  ')).toBeNull()
    expect(csv(' a, ,b,')).toEqual(['a', 'b'])
    expect(csv(',')).toBeNull()
    expect(csv(undefined)).toBeNull()
  })
})

describe('headerDirectory (x-opencode-directory)', () => {
  it('decodes as OpenCode does, trims, and keeps a malformed encoding as given', () => {
    expect(headerDirectory({ 'x-opencode-directory': '%2Fhome%2Fj%C3%BCrgen%2Fapp ' })).toBe('/home/jürgen/app')
    expect(headerDirectory({ 'x-opencode-directory': ' /w/100%done ' })).toBe('/w/100%done')
    expect(headerDirectory({ 'x-opencode-directory': '   ' })).toBeNull()
    expect(headerDirectory({})).toBeNull()
  })
})
