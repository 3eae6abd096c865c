// Errors the OpenCode bridge and upstream client answer with. The 503 bodies keep the Rust Studio's
// shape ({error, code, restarting?, hint?, opencodeError?}) so its clients understand them.

import { defineError } from '../lib/errors.js'

export const opencodeUnavailable = defineError('opencode_unavailable', 503, (message?: string) => message ?? 'OpenCode service unavailable')
export const opencodeRestarting = defineError('opencode_restarting', 503, 'OpenCode is restarting')
export const upstreamFailed = defineError('upstream_failed', 502, (message?: string) => message ?? 'OpenCode request failed')
