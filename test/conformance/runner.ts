// Runs the scenario list against both sides of one OpenCode version, one `it` per scenario.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCtx, type Ctx, type Scenario } from './context.js'
import { normalise } from './normalise.js'
import { startSide, type Side, type SideOptions } from './sides.js'
import { waitFor } from '../harness/wait.js'

/** A scenario may wait for a turn (WAIT_MS) more than once. */
const SCENARIO_MS = 240_000

/** A scenario's value on one side; a failure says which side it happened on. */
async function runOn(ctx: Ctx, scenario: Scenario): Promise<unknown> {
  try {
    return await scenario.run(ctx)
  } catch (err) {
    throw new Error(`${scenario.name}, ${ctx.side.name} side: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

/**
 * Legacy JSON storage: OpenCode 1.1.65 writes its files after it answers and Studio looks at the folder
 * once a second (README, "Sessions from storage"), so what the previous scenario wrote is read once two
 * of Studio's storage passes have ended since (a pass begun before the write may have missed it).
 */
async function settled(side: Side): Promise<void> {
  const since = Date.now()
  const app = side.studio!.app
  await waitFor(
    () => {
      const s = app.sessions.status()
      // no storage folder yet (nothing written): no pass to wait for beyond the second
      return Date.now() - since > 1000 && (s.storage === 'none' || (s.lastRefreshAt ?? 0) > since + 1000)
    },
    { timeoutMs: 10_000, intervalMs: 50, what: "Studio's storage passes" },
  )
}

export function defineConformance(title: string, scenarios: Scenario[], options: SideOptions & { settle?: boolean } = {}): void {
  const sides: Side[] = []
  let direct: Ctx
  let studio: Ctx

  beforeAll(async () => {
    // one after the other: two OpenCodes starting at once on a busy machine can miss the start deadline
    sides.push(await startSide('opencode', options))
    sides.push(await startSide('studio', options))
    direct = createCtx(sides[0]!)
    studio = createCtx(sides[1]!)
  }, 240_000)

  afterAll(async () => {
    await Promise.all(sides.map((s) => s.stop()))
  })

  describe(title, () => {
    for (const scenario of scenarios) {
      it(scenario.name, async () => {
        if (options.settle) await settled(studio.side)
        const [expected, actual] = await Promise.all([runOn(direct, scenario), runOn(studio, scenario)])
        expect(normalise(actual, studio.names)).toEqual(normalise(expected, direct.names))
      }, SCENARIO_MS)
    }
  })
}
