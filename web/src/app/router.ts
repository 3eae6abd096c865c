import { createRouter, createWebHistory } from 'vue-router'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: () => import('../features/chat/EmptyState.vue') },
    { path: '/session/:id', name: 'session', component: () => import('../features/chat/ChatView.vue'), props: true },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})
