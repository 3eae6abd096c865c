import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createLogger } from '../lib/log.js'
import type { Bridge } from './bridge.js'
import type { UpstreamClient } from './client.js'
import type { BridgeSnapshot } from './state.js'
import { createWarmUp, firstWarmable, WARM_UP_PATHS } from './warm-up.js'

function fakes(answer: (path: string) => number | Error = () => 200) {
  const listeners = new Set<(s: Readonly<BridgeSnapshot>) => void>()
  let snapshot = { state: 'starting', pid: 41 } as BridgeSnapshot
  const asked: string[] = []
  const bridge = {
    snapshot: () => snapshot,
    onChange(fn: (s: Readonly<BridgeSnapshot>) => void) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    directory: async () => '/oc/own',
  } as unknown as Bridge
  const upstream = {
    async request(req: { path: string }) {
      asked.push(req.path)
      const a = answer(req.path)
      if (a instanceof Error) throw a
      return { statusCode: a, body: { dump: async () => undefined } }
    },
  } as unknown as UpstreamClient
  const set = (patch: Partial<BridgeSnapshot>) => {
    snapshot = { ...snapshot, ...patch }
    for (const fn of listeners) fn(snapshot)
  }
  return { bridge, upstream, asked, set }
}

const log = createLogger('silent')
const settle = () => new Promise((r) => setTimeout(r, 10))
/** Until the warm-up (of OpenCode `pid`, when given) has finished: its tries wait on timers, however slow the machine. */
const finished = (warm: ReturnType<typeof createWarmUp>, pid?: number) =>
  vi.waitFor(
    () => {
      const r = warm.report()
      if (!r || r.ms === null || (pid !== undefined && r.pid !== pid)) throw new Error('the warm-up is still running')
    },
    { timeout: 5000, interval: 2 },
  )

describe('warming OpenCode when it becomes ready', () => {
  it("asks for the composer's lists of the newest directory, in order, once per time it becomes ready", async () => {
    const f = fakes()
    const warm = createWarmUp({ bridge: f.bridge, upstream: f.upstream, directory: async () => '/w/a b', log })
    expect(warm.report()).toBeNull()
    f.set({ state: 'ready' })
    f.set({ state: 'ready', version: '1' }) // another snapshot while ready: not a new start
    await finished(warm)
    expect(f.asked).toEqual(WARM_UP_PATHS.map((p) => `${p}?directory=%2Fw%2Fa%20b`))
    expect(warm.report()).toMatchObject({ directory: '/w/a b', pid: 41, ok: true })
    expect(warm.report()!.ms).toBeGreaterThanOrEqual(0)

    // a restarted OpenCode has forgotten them
    f.set({ state: 'restarting', pid: null })
    f.set({ state: 'ready', pid: 42 })
    await finished(warm, 42)
    expect(f.asked).toHaveLength(2 * WARM_UP_PATHS.length)
    expect(warm.report()).toMatchObject({ pid: 42, ok: true })
    warm.close()
  })

  it("uses OpenCode's own directory when Studio knows none", async () => {
    const f = fakes()
    const warm = createWarmUp({ bridge: f.bridge, upstream: f.upstream, directory: async () => null, log })
    f.set({ state: 'ready' })
    await finished(warm)
    expect(f.asked[0]).toBe('/config/providers?directory=%2Foc%2Fown')
    warm.close()
  })

  it('tries a failed warm-up three times, then reports the failure, without throwing', async () => {
    const f = fakes((path) => (path.startsWith('/agent') ? 500 : 200))
    const warm = createWarmUp({ bridge: f.bridge, upstream: f.upstream, directory: async () => '/w', log, retryMs: 1 })
    f.set({ state: 'ready' })
    await finished(warm)
    // each try stops at the failed answer
    expect(f.asked.map((p) => p.split('?')[0])).toEqual(Array(3).fill(['/config/providers', '/agent']).flat())
    expect(warm.report()).toMatchObject({ ok: false, error: '/agent answered 500' })

    const g = fakes(() => new Error('connection reset'))
    const other = createWarmUp({ bridge: g.bridge, upstream: g.upstream, directory: async () => '/w', log, retryMs: 1 })
    g.set({ state: 'ready' })
    await finished(other)
    expect(g.asked).toHaveLength(3)
    expect(other.report()).toMatchObject({ ok: false, error: 'connection reset' })
    warm.close()
    other.close()
  })

  it('is done when a later try succeeds (a young OpenCode dropping its first connection)', async () => {
    let calls = 0
    const f = fakes(() => (calls++ === 0 ? new Error('other side closed') : 200))
    const warm = createWarmUp({ bridge: f.bridge, upstream: f.upstream, directory: async () => '/w', log, retryMs: 1 })
    f.set({ state: 'ready' })
    await finished(warm)
    expect(f.asked).toHaveLength(1 + WARM_UP_PATHS.length)
    expect(warm.report()).toMatchObject({ ok: true })
    expect(warm.report()!.error).toBeUndefined()
    warm.close()
  })

  it('tries no more once OpenCode is not ready', async () => {
    const f = fakes(() => new Error('connection refused'))
    const warm = createWarmUp({ bridge: f.bridge, upstream: f.upstream, directory: async () => '/w', log, retryMs: 5 })
    f.set({ state: 'ready' })
    f.set({ state: 'restarting', pid: null })
    await finished(warm)
    expect(f.asked).toHaveLength(1)
    expect(warm.report()).toMatchObject({ ok: false, error: 'connection refused' })
    warm.close()
  })

  it('asks nothing once closed', async () => {
    const f = fakes()
    const warm = createWarmUp({ bridge: f.bridge, upstream: f.upstream, directory: async () => '/w', log })
    warm.close()
    f.set({ state: 'ready' })
    await settle()
    expect(f.asked).toEqual([])
    expect(warm.report()).toBeNull()
  })
})

describe('the directory warmed', () => {
  it('is the newest that still exists as a directory and that clients may name', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ocs-warm-'))
    try {
      const [gone, file, barred, open, older] = ['gone', 'file', 'barred', 'open', 'older'].map((n) => join(root, n))
      writeFileSync(file!, 'x')
      for (const d of [barred!, open!, older!]) mkdirSync(d)
      const allowed = async (d: string) => d !== barred
      expect(await firstWarmable([gone!, file!, barred!, open!, older!], allowed)).toBe(open)
      expect(await firstWarmable([gone!, barred!], allowed)).toBeNull()
      expect(await firstWarmable([], allowed)).toBeNull()
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
