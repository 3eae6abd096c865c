// Builds the Studio web UI into web/dist (served by Studio at `/`). `npm run dev:web` proxies the API
// to a Studio on 127.0.0.1:3210.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const studio = process.env.STUDIO_URL ?? 'http://127.0.0.1:3210'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue()],
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
