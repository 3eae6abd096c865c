// The app's code is evaluated in three tasks, not one: Vue and the virtualizer (vendor.ts), then the app
// and its first screen (app/start.ts), then on a deep link the chat view's chunk. Evaluating all of it at
// once was the longest task of a first visit (60-150 ms on a 2-core machine). index.html preloads every
// one of these chunks with the entry (web/vite.config.ts), so the steps wait on no network.
import { yieldToBrowser } from './lib/frame'

void (async () => {
  await import('./vendor')
  await yieldToBrowser()
  await import('./app/start')
})()
