import { describe, expect, it } from 'vitest'
import { directoryKey } from './directory-key.js'

describe('directoryKey', () => {
  it.each([
    ['/home/Alice/Repo/', '/home/Alice/Repo'],
    ['/home/Alice/Repo', '/home/Alice/Repo'],
    ['  /a/b//c/./d/../e  ', '/a/b/c/e'],
    ['/', '/'],
    ['%2Fhome%2Falice%2Frepo', '/home/alice/repo'],
    ['C:\\Users\\Alice\\Repo\\', 'c:/users/alice/repo'],
    ['C%3A%5CUsers%5CAlice%5CRepo', 'c:/users/alice/repo'],
    ['c:/', 'c:/'],
    ['~/proj', '/home/me/proj'],
    ['~', '/home/me'],
    ['100%real', '100%real'],
  ])('%j → %j', (input, key) => expect(directoryKey(input, '/home/me')).toBe(key))

  it('keeps Unix case', () => {
    expect(directoryKey('/Repo')).not.toBe(directoryKey('/repo'))
  })
})
