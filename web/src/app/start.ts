import { createApp } from 'vue'
import App from './App.vue'
import { boot, firstScreen } from './boot'
import { loadChatView, route } from './router'
import { sidebarRowsShown } from '../stores/ui'
import { afterNextPaint, yieldToBrowser } from '../lib/frame'
import { loadTail } from '../stores/messages'
import { ensureSession } from '../stores/sessions'
import '../styles.css'

// A deep link to a session: its history is asked for first (before the sidebar's requests take the
// browser's few connections), and its chat view's chunk (preloaded by index.html) is evaluated while the
// start goes on. The mount then renders the chat first; the sidebar's rows follow in the next task.
const opened = route.value
let chat: Promise<void> | null = null
if (opened.name === 'session') {
  chat = loadChatView().catch(() => undefined) // App asks again, and says so if it fails again
  void ensureSession(opened.id)
  void loadTail(opened.id)
  sidebarRowsShown.value = false
}

async function start(): Promise<void> {
  const first = firstScreen()
  // The mount is a task of its own (evaluating the app's code was one already): after the chat's chunk
  // on a deep link, else after a yield. By then the first screen's answers are in when they came with
  // the page (they settle in microtasks); if they did not, the app mounts without them and they follow.
  await (chat ?? yieldToBrowser())
  createApp(App).mount('#app')
  if (chat) await new Promise<void>((resolve) => afterNextPaint(resolve))
  sidebarRowsShown.value = true
  // the rest once the first screen has painted
  afterNextPaint(() => void boot(first))
}

void start()
