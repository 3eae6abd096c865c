// The one list of scenarios the conformance suite runs against both sides, in this order (later scenarios
// use sessions earlier ones made).

import type { Scenario } from './context.js'
import { attentionScenarios } from './scenarios-attention.js'
import { eventScenarios } from './scenarios-events.js'
import { promptScenarios } from './scenarios-prompt.js'
import { sessionScenarios } from './scenarios-sessions.js'
import { workspaceScenarios } from './scenarios-workspace.js'

export const scenarios: Scenario[] = [
  ...sessionScenarios,
  ...promptScenarios,
  ...workspaceScenarios,
  ...attentionScenarios,
  ...eventScenarios,
]
