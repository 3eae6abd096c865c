// Runs the scenario list against both sides of one OpenCode version, one `it` per scenario.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCtx, type Ctx, type Scenario } from './context.js'
import { normalise } from './normalise.js'
import { startSide, type Side, type SideOptions } from './sides.js'

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

export function defineConformance(title: string, scenarios: Scenario[], options: SideOptions = {}): void {
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
        const [expected, actual] = await Promise.all([runOn(direct, scenario), runOn(studio, scenario)])
        expect(normalise(actual, studio.names)).toEqual(normalise(expected, direct.names))
      }, SCENARIO_MS)
    }
  })
}
