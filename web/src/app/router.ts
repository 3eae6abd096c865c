import { createRouter, createWebHistory } from 'vue-router'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: () => import('../features/chat/EmptyState.vue') },
    // The chat is a chunk of its own, which index.html preloads (see vite.config.ts): it is fetched with
    // the app, but evaluated and rendered after the sidebar's first frame, in a task of its own.
    { path: '/session/:id', name: 'session', component: () => import('../features/chat/ChatView.vue'), props: true },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})
