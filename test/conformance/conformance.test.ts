// OpenCode's own SDK (@opencode-ai/sdk, the version of opencode-ai) runs every scenario twice: straight
// against one OpenCode, and through Studio's /api against a second OpenCode set up identically. The answers
// must be equal once ids, times and scratch paths are normalised (test/conformance/normalise.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCtx, type Ctx, type Scenario } from './context.js'
import { normalise } from './normalise.js'
import { scenarios } from './scenarios.js'
import { startSide, type Side } from './sides.js'

let sides: Side[] = []
let direct: Ctx
let studio: Ctx

beforeAll(async () => {
  // one after the other: two OpenCodes starting at once on a busy machine can miss the start deadline
  sides.push(await startSide('opencode'))
  sides.push(await startSide('studio'))
  direct = createCtx(sides[0]!)
  studio = createCtx(sides[1]!)
}, 240_000)

afterAll(async () => {
  await Promise.all(sides.map((s) => s.stop()))
})

/** A scenario's value on one side; a failure says which side it happened on. */
async function runOn(ctx: Ctx, scenario: Scenario): Promise<unknown> {
  try {
    return await scenario.run(ctx)
  } catch (err) {
    throw new Error(`${scenario.name}, ${ctx.side.name} side: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

describe('the SDK gets the same answers through Studio as from OpenCode', () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const [expected, actual] = await Promise.all([runOn(direct, scenario), runOn(studio, scenario)])
      expect(normalise(actual, studio.names)).toEqual(normalise(expected, direct.names))
    })
  }
})
