import './app/started'
import { createApp } from 'vue'
import App from './app/App.vue'
import { boot, firstScreen } from './app/boot'
import { loadChatView, route } from './app/router'
import { afterNextPaint, yieldToBrowser } from './lib/frame'
import { loadTail } from './stores/messages'
import { ensureSession } from './stores/sessions'
import './styles.css'

// A deep link to a session: its history is asked for first, before the sidebar's requests take the
// browser's few connections, and while the app mounts (the chat view shares these requests).
const opened = route.value
if (opened.name === 'session') {
  void ensureSession(opened.id)
  void loadTail(opened.id)
}

async function start(): Promise<void> {
  const first = firstScreen()
  // The mount is a task of its own (evaluating the app's code was one already). By then the first
  // screen's answers are in when they came with the page (they settle in microtasks); if they did not,
  // the app mounts without them and they follow.
  await yieldToBrowser()
  createApp(App).mount('#app')
  // the rest once the chat (a chunk of its own), when it is shown, has painted too
  const view = opened.name === 'session' ? loadChatView().catch(() => undefined) : Promise.resolve()
  void view.then(() => afterNextPaint(() => void boot(first)))
}

void start()
