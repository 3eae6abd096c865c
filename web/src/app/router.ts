import { createRouter, createWebHistory } from 'vue-router'
// The chat is the screen people live in: bundled with the app, not fetched after it.
import ChatView from '../features/chat/ChatView.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: () => import('../features/chat/EmptyState.vue') },
    { path: '/session/:id', name: 'session', component: ChatView, props: true },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})
