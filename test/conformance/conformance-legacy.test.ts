// The same scenarios on OpenCode 1.1.65, the last version with the legacy JSON storage, where they apply
// (each scenario that does not says why: `notOnLegacy`). Studio reads that storage itself, so this is what
// proves its answers from JSON files match OpenCode's. The SDK is the pinned 1.18.33 one: the calls these
// scenarios make are the same on the wire for 1.1.65.

import { legacyOpenCodeBin } from '../harness/opencode.js'
import { defineConformance } from './runner.js'
import { scenarios } from './scenarios.js'

defineConformance(
  'OpenCode 1.1.65 (legacy JSON storage): the SDK gets the same answers through Studio as from OpenCode',
  scenarios.filter((s) => s.notOnLegacy === undefined),
  { bin: legacyOpenCodeBin(), settle: true },
)
