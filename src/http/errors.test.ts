import { writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { toErrorReply } from './errors.js'

/** A real errno error from the file system, as a failed write raises it. */
function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, write`), { code, errno: -28, syscall: 'write' })
}

describe('out-of-space errors', () => {
  it.each(['ENOSPC', 'EDQUOT', 'EFBIG'])('%s is a 507 insufficient_storage in JSON, not a 500', (code) => {
    const out = toErrorReply(errnoError(code))
    expect(out).toMatchObject({ statusCode: 507, unexpected: false, body: { code: 'insufficient_storage' } })
    expect(out.body.error).toContain(code)
  })

  it('finds the cause of a wrapped error', () => {
    expect(toErrorReply(new Error('stream failed', { cause: errnoError('ENOSPC') })).statusCode).toBe(507)
  })

  it("SQLite's SQLITE_FULL (a database that cannot grow) is one too", () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE t (x BLOB)')
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
    let err: unknown
    try {
      db.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(100_000))
    } catch (e) {
      err = e
    }
    db.close()
    expect(toErrorReply(err)).toMatchObject({ statusCode: 507, body: { code: 'insufficient_storage' } })
  })

  it('any other file system error stays an unexpected 500', () => {
    let err: unknown
    try {
      writeFileSync('/proc/version', 'x')
    } catch (e) {
      err = e
    }
    expect(toErrorReply(err)).toMatchObject({ statusCode: 500, unexpected: true, body: { code: 'internal_error' } })
  })
})
