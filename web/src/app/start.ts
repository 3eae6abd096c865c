import { createApp } from 'vue'
import App from './App.vue'
import { boot, firstScreen } from './boot'
import { loadChatView, route } from './router'
import { sidebarRowsShown, timelineRowsShown } from '../stores/ui'
import { afterNextPaint, yieldToBrowser } from '../lib/frame'
import { loadTail } from '../stores/messages'
import { ensureSession } from '../stores/sessions'
import '../styles.css'

// A deep link to a session: its history is asked for first (before the sidebar's requests take the
// browser's few connections), and its chat view's chunk (preloaded by index.html) is evaluated while the
// start goes on.
const opened = route.value
let chat: Promise<void> | null = null
if (opened.name === 'session') {
  chat = loadChatView().catch(() => undefined) // App asks again, and says so if it fails again
  void ensureSession(opened.id)
  void loadTail(opened.id)
}

/**
 * The first screen in tasks that each stay short on a slow machine: the mount renders the frame of the
 * screen (panes, header, composer) without the lists' rows; the rows of the list the screen is about
 * (the chat's on a deep link, else the sidebar's) follow in the next task, usually before the same
 * frame; on a deep link the sidebar's rows follow once the chat has painted.
 */
async function start(): Promise<void> {
  const first = firstScreen()
  // The mount is a task of its own (evaluating the app's code was one already): after the chat's chunk
  // on a deep link, else after a yield. By then the first screen's answers are in when they came with
  // the page (they settle in microtasks); if they did not, the app mounts without them and they follow.
  await (chat ?? yieldToBrowser())
  sidebarRowsShown.value = false
  if (chat) timelineRowsShown.value = false // the home screen has no timeline
  createApp(App).mount('#app')
  await yieldToBrowser()
  if (chat) {
    timelineRowsShown.value = true
    await new Promise<void>((resolve) => afterNextPaint(resolve))
  }
  sidebarRowsShown.value = true
  // the rest once the first screen has painted
  afterNextPaint(() => void boot(first))
}

void start()
