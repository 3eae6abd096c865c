export { createBridge, type Bridge, type UpstreamTarget } from './bridge.js'
export { createUpstreamClient, notReadyError, type CancelSignal, type UpstreamClient, type UpstreamRequest } from './client.js'
export { opencodeRestarting, opencodeUnavailable, upstreamFailed } from './errors.js'
export type { BridgeError, BridgeSnapshot, BridgeStateName } from './state.js'
