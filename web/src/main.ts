import './app/started'
import { createApp } from 'vue'
import App from './app/App.vue'
import { router } from './app/router'
import { loadTail } from './stores/messages'
import { ensureSession } from './stores/sessions'
import './styles.css'

// A deep link to a session: its history is asked for first, before the sidebar's requests take the
// browser's few connections, and while the app mounts (the chat view shares these requests).
const deepLink = /^\/session\/([^/]+)$/.exec(location.pathname)
if (deepLink) {
  const id = decodeURIComponent(deepLink[1]!)
  void ensureSession(id)
  void loadTail(id)
}

createApp(App).use(router).mount('#app')
