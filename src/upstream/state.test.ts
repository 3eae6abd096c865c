import { describe, expect, it } from 'vitest'
import { createStateHolder } from './state.js'

describe('bridge state holder', () => {
  it('starts in `starting`, moves `since` only when the state changes, and notifies listeners', () => {
    let now = 1000
    const holder = createStateHolder('spawn', () => now)
    const seen: string[] = []
    const off = holder.onChange((s) => seen.push(`${s.state}@${s.since}`))
    expect(holder.get()).toMatchObject({ mode: 'spawn', state: 'starting', since: 1000 })
    now = 2000
    holder.update({ pid: 42 })
    expect(holder.get().since).toBe(1000)
    now = 3000
    holder.update({ state: 'ready', url: 'http://127.0.0.1:1' })
    off()
    holder.update({ state: 'restarting' })
    expect(seen).toEqual(['starting@1000', 'ready@3000'])
    expect(Object.isFrozen(holder.get())).toBe(true)
  })
})
