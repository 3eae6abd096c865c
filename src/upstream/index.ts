export { createBridge, type Bridge } from './bridge.js'
export { createUpstreamClient, type UpstreamClient } from './client.js'
export { resolveOpenCodeBinary, type ResolvedBinary } from './binary.js'
export { createWarmUp, firstWarmable, WARM_UP_PATHS, type WarmUp, type WarmUpReport } from './warm-up.js'
