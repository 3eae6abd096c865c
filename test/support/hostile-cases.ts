// The hostile-request table: every row a raw request (test/support/raw-http.ts) and the answer Studio must
// give. Run whole by test/integration/hostile-input.test.ts and by the fault suite's hostile case
// (bench/faults/hostile.ts), which also counts crashes, files written outside the workspace and error
// answers that are not Studio's JSON. The rows live by kind in test/support/hostile/.

import { BODY_CASES } from './hostile/bodies.js'
import { HOST_CASES } from './hostile/hosts.js'
import { ISSUE_13_CASES } from './hostile/issue13.js'
import { PATH_CASES } from './hostile/paths.js'
import type { HostileCase } from './hostile/request.js'

export type { HostileCase, HostileContext } from './hostile/request.js'
export { req } from './hostile/request.js'

/**
 * Limits the Studio under test must be started with: short timeouts so the stall rows answer quickly,
 * and 1 MiB bodies and files so the oversize rows need not send 100 MiB.
 */
export const HOSTILE_STUDIO_ARGS = [
  ...['--headers-timeout-ms', '1500', '--body-idle-timeout-ms', '1500', '--request-timeout-ms', '4000'],
  ...['--max-body-bytes', '1MiB', '--max-attachment-bytes', '1MiB'],
]

export const HOSTILE_CASES: HostileCase[] = [...ISSUE_13_CASES, ...PATH_CASES, ...HOST_CASES, ...BODY_CASES]
