import { describe, expect, it } from 'vitest'
import type { MessagePage, MessagePageRequest } from '../types.js'
import { createPageMemo } from './page-memo.js'

const request = (over: Partial<MessagePageRequest> = {}): MessagePageRequest => ({
  offset: 0,
  limit: 50,
  before: null,
  includeTotal: true,
  elide: { overBytes: 16384, keepChars: 8192 },
  ...over,
})
const pageOf = (total: number): MessagePage => ({ entries: [], total, hasOlder: false })

describe('page memo', () => {
  it('answers the same request at the same version, and nothing once the version moved', () => {
    const memo = createPageMemo()
    const page = pageOf(1)
    memo.set('ses_a', request(), 7, page)
    expect(memo.get('ses_a', request(), 7)).toBe(page)
    expect(memo.get('ses_a', request({ offset: 50 }), 7)).toBeUndefined()
    expect(memo.get('ses_a', request({ before: { id: 'msg_1', time: 1 } }), 7)).toBeUndefined()
    expect(memo.get('ses_b', request(), 7)).toBeUndefined()
    expect(memo.get('ses_a', request(), 8)).toBeUndefined()
    expect(memo.size).toBe(0) // a new version drops every page
    expect(memo.get('ses_a', request(), 7)).toBeUndefined()
  })

  it('ignores a page read before a commit that a later lookup has seen', () => {
    const memo = createPageMemo()
    memo.get('ses_a', request(), 9)
    memo.set('ses_a', request(), 8, pageOf(1))
    expect(memo.get('ses_a', request(), 9)).toBeUndefined()
    expect(memo.get('ses_a', request(), 8)).toBeUndefined()
  })

  it('holds at most its bound, dropping the least recently used', () => {
    const memo = createPageMemo(3)
    for (const id of ['ses_1', 'ses_2', 'ses_3']) memo.set(id, request(), 1, pageOf(1))
    memo.get('ses_1', request(), 1)
    memo.set('ses_4', request(), 1, pageOf(1))
    expect(memo.size).toBe(3)
    expect(memo.get('ses_2', request(), 1)).toBeUndefined()
    expect(memo.get('ses_1', request(), 1)).toBeDefined()
    expect(memo.get('ses_4', request(), 1)).toBeDefined()
  })
})
