import { describe, expect, it } from 'vitest'
import { isSupportedMime, mimeForName, normalizeMime, sniffMime } from './mime.js'

describe('mime table', () => {
  it.each([
    ['shot.PNG', 'image/png'],
    ['a.jpeg', 'image/jpeg'],
    ['doc.pdf', 'application/pdf'],
    ['notes.md', 'text/markdown'],
    ['notes.txt', 'text/plain'],
    ['data.json', 'text/plain'],
    ['app.ts', 'text/plain'],
    ['.gitignore', 'text/plain'],
    ['logo.svg', 'image/svg+xml'],
    ['song.mp3', 'audio/mpeg'],
    ['Makefile', null],
    ['blob.dat', null],
  ])('%s → %s', (name, mime) => expect(mimeForName(name)).toBe(mime))

  it('sends text formats OpenCode refuses as application/* as text/plain', () => {
    expect(normalizeMime('application/json; charset=utf-8')).toBe('text/plain')
    expect(normalizeMime('Image/PNG')).toBe('image/png')
  })

  it.each([
    ['text/plain', true],
    ['text/markdown', true],
    ['image/png', true],
    ['image/webp', true],
    ['application/pdf', true],
    ['application/octet-stream', false],
    ['application/json', false],
    ['image/svg+xml', false],
    ['audio/mpeg', false],
  ])('OpenCode can take %s: %s', (mime, ok) => expect(isSupportedMime(mime)).toBe(ok))

  it('sniffs UTF-8 text (even cut mid-character) apart from binary', () => {
    expect(sniffMime(Buffer.from('plain words\n'))).toBe('text/plain')
    expect(sniffMime(Buffer.from('héllo wörld').subarray(0, 2))).toBe('text/plain') // "h" + half of "é"
    expect(sniffMime(Buffer.from([0x68, 0x00, 0x69]))).toBe('application/octet-stream')
    expect(sniffMime(Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x81]))).toBe('application/octet-stream')
  })
})
