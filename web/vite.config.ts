// Builds the Studio web UI into web/dist (served by Studio at `/`). `npm run dev:web` proxies the API
// to a Studio on 127.0.0.1:3210.
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

const studio = process.env.STUDIO_URL ?? 'http://127.0.0.1:3210'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue(), preloadChat()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  // the markdown worker loads highlighting languages as chunks of its own
  worker: { format: 'es' },
  server: {
    proxy: { '/api': { target: studio, ws: false }, '/health': studio, '/auth': studio },
  },
})

/**
 * The chat view is a chunk of its own (app/router.ts), evaluated in a task of its own: before the mount
 * on a deep link, when a session is first opened otherwise. index.html fetches it with the app, as a
 * modulepreload with its stylesheet, so neither waits for the network.
 */
function preloadChat(): Plugin {
  return {
    name: 'studio-preload-chat',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === 'chunk')
        const chat = chunks.find((c) => c.facadeModuleId?.endsWith('/features/chat/ChatView.vue'))
        if (!chat) throw new Error('studio-preload-chat: no chunk for ChatView.vue')
        const entry = chunks.find((c) => c.isEntry)
        const scripts = [chat.fileName, ...chat.imports.filter((f) => f !== entry?.fileName)]
        const styles = [...(chat.viteMetadata?.importedCss ?? [])]
        return [
          ...styles.map((file) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `/${file}` }, injectTo: 'head' as const })),
          ...scripts.map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` }, injectTo: 'head' as const })),
        ]
      },
    },
  }
}
