// OpenCode's own SDK (@opencode-ai/sdk, the version of opencode-ai) runs every scenario twice: straight
// against one OpenCode, and through Studio's /api against a second OpenCode set up identically. The answers
// must be equal once ids, times and scratch paths are normalised (test/conformance/normalise.ts).

import { defineConformance } from './runner.js'
import { scenarios } from './scenarios.js'

defineConformance('OpenCode 1.18.33: the SDK gets the same answers through Studio as from OpenCode', scenarios)
