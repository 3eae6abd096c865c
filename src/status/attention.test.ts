import { describe, expect, it } from 'vitest'
import { createAttentionBook } from './attention.js'

const perm = (id: string, sessionID = 'ses_a') => ({ id, sessionID, permission: 'bash', patterns: ['echo'], metadata: { command: 'echo' }, always: ['echo *'], tool: { messageID: 'msg_1', callID: 'c1' } })
const question = (id: string, sessionID = 'ses_a') => ({ id, sessionID, questions: [{ question: 'Which?', header: 'H', options: [] }] })

describe('attention book', () => {
  it('keeps asked requests whole, oldest first, until replied', () => {
    const book = createAttentionBook()
    expect(book.applyEvent('permission.asked', perm('per_2'), '/w')).toBe(true)
    expect(book.applyEvent('question.asked', question('que_1'), '/w')).toBe(true)
    expect(book.applyEvent('permission.asked', perm('per_2'), '/w')).toBe(false)
    expect(book.list(null).map((r) => [r.kind, r.request.id])).toEqual([
      ['permission', 'per_2'],
      ['question', 'que_1'],
    ])
    expect(book.list('/w/')[0]!.request).toEqual(perm('per_2'))
    expect(book.list('/other')).toEqual([])
    expect(book.applyEvent('permission.replied', { sessionID: 'ses_a', requestID: 'per_2', reply: 'once' }, '/w')).toBe(true)
    expect(book.applyEvent('question.rejected', { sessionID: 'ses_a', requestID: 'que_1' }, '/w')).toBe(true)
    expect(book.size).toBe(0)
  })

  it("takes OpenCode's lists as authoritative for their directory only", () => {
    const book = createAttentionBook()
    book.applyEvent('permission.asked', perm('per_1'), '/w')
    book.applyEvent('permission.asked', perm('per_9', 'ses_b'), '/elsewhere')
    expect(book.reconcile('/w', { permissions: [perm('per_3'), perm('per_2')], questions: [question('que_1')] })).toBe(true)
    expect(book.list('/w').map((r) => r.request.id)).toEqual(['per_2', 'per_3', 'que_1'])
    expect(book.list('/elsewhere').map((r) => r.request.id)).toEqual(['per_9'])
    expect(book.reconcile('/w', { permissions: [perm('per_3'), perm('per_2')], questions: [question('que_1')] })).toBe(false)
  })

  it('drops the requests of a deleted session', () => {
    const book = createAttentionBook()
    book.applyEvent('question.asked', question('que_1', 'ses_x'), '/w')
    expect(book.applyEvent('session.deleted', { info: { id: 'ses_x' } }, '/w')).toBe(true)
    expect(book.size).toBe(0)
  })
})
