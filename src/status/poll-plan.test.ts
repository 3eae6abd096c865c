import { describe, expect, it } from 'vitest'
import { HOT_DIRECTORY_MS, MAX_DIRECTORIES, planPoll, QUIET_SWEEP_MS } from './poll-plan.js'

const now = 10_000_000

describe('planPoll', () => {
  it('asks about active and just-active directories every pass, and the quiet ones on a sweep', () => {
    const lastEvent = new Map([
      ['/hot', now - 1_000],
      ['/cooling', now - HOT_DIRECTORY_MS - 1],
    ])
    const input = { active: ['/busy'], lastEvent, candidates: ['/updated-lately'], now }
    expect(planPoll({ ...input, lastSweep: now - 3_000 })).toEqual({ directories: ['/busy', '/hot'], sweep: false })
    expect(planPoll({ ...input, lastSweep: now - QUIET_SWEEP_MS })).toEqual({ directories: ['/busy', '/hot', '/cooling', '/updated-lately'], sweep: true })
    // the first pass sweeps
    expect(planPoll({ ...input, lastSweep: 0 }).sweep).toBe(true)
  })

  it('does not count a sweep with nothing to sweep (at start, before the session index has loaded)', () => {
    expect(planPoll({ active: ['/busy'], lastEvent: new Map(), candidates: [], now, lastSweep: 0 })).toEqual({ directories: ['/busy'], sweep: false })
    // candidates that are all active already: nothing quiet was swept either
    expect(planPoll({ active: ['/busy'], lastEvent: new Map(), candidates: ['/busy'], now, lastSweep: 0 }).sweep).toBe(false)
    expect(planPoll({ active: [], lastEvent: new Map(), candidates: ['/a'], now, lastSweep: 0 })).toEqual({ directories: ['/a'], sweep: true })
  })

  it('asks about each directory once, active ones first, and at most MAX_DIRECTORIES', () => {
    const candidates = Array.from({ length: 50 }, (_, i) => `/d${i}`)
    const plan = planPoll({ active: ['/d7', '/busy'], lastEvent: new Map([['/d7', now]]), candidates, now, lastSweep: 0 })
    expect(plan.directories).toHaveLength(MAX_DIRECTORIES)
    expect(plan.directories.slice(0, 2)).toEqual(['/d7', '/busy'])
    expect(new Set(plan.directories).size).toBe(MAX_DIRECTORIES)
  })

  it("never asks about what is not an absolute path (OpenCode's project.updated names its directory `global`)", () => {
    const lastEvent = new Map([
      ['global', now - 1_000],
      ['/hot', now - 1_000],
    ])
    expect(planPoll({ active: ['global', 'rel/dir'], lastEvent, candidates: ['global', '/quiet'], now, lastSweep: 0 })).toEqual({ directories: ['/hot', '/quiet'], sweep: true })
    expect(planPoll({ active: [], lastEvent: new Map([['global', now]]), candidates: [], now, lastSweep: now })).toEqual({ directories: [], sweep: false })
  })
})
