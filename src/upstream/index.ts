export { createBridge, type Bridge } from './bridge.js'
export { createUpstreamClient, type UpstreamClient } from './client.js'
