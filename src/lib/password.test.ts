import { describe, expect, it } from 'vitest'
import { hashPassword, parsePasswordHash, safeEqual, verifyPasswordHash } from './password.js'

describe('password hashes', () => {
  it('verifies the password a hash was made from, and nothing else', async () => {
    const hash = await hashPassword('correct horse')
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(await verifyPasswordHash('correct horse', hash)).toBe(true)
    expect(await verifyPasswordHash('correct horse ', hash)).toBe(false)
    expect(await verifyPasswordHash('', hash)).toBe(false)
  })

  it('salts: the same password hashes differently each time', async () => {
    expect(await hashPassword('x')).not.toBe(await hashPassword('x'))
  })

  it('refuses malformed or abusive hashes', async () => {
    for (const bad of ['', 'plain', 'scrypt$16384$8$1$c2FsdA==', 'scrypt$1000$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5a2V5', 'scrypt$4194304$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5a2V5']) {
      expect(parsePasswordHash(bad), bad).toBeNull()
      expect(await verifyPasswordHash('x', bad)).toBe(false)
    }
  })

  it('compares strings of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(safeEqual('', '')).toBe(true)
  })
})
