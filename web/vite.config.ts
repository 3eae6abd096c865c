// Builds the Studio web UI into web/dist (served by Studio at `/`). `npm run dev:web` proxies the API
// to a Studio on 127.0.0.1:3210.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

const studio = process.env.STUDIO_URL ?? 'http://127.0.0.1:3210'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue(), preloadFirstScreen(), firstScreenChunkHeads(), precompressAssets()],
  // every component is <script setup>: Vue's Options API support is code every first load would compile
  define: { __VUE_OPTIONS_API__: 'false' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    // Vue and the virtualizer in a chunk of their own, evaluated in a task of its own (src/main.ts)
    rollupOptions: {
      output: {
        manualChunks: (id) => (/\/node_modules\/(@vue|vue|@tanstack)\//.test(id) || id.endsWith('/src/vendor.ts') ? 'vendor' : undefined),
      },
    },
  },
  // the markdown worker loads highlighting languages as chunks of its own
  worker: { format: 'es' },
  server: {
    proxy: { '/api': { target: studio, ws: false }, '/health': studio, '/auth': studio },
  },
})

/**
 * The first screen's chunks, fetched by index.html with the entry (modulepreload, and their stylesheets),
 * so the steps of the start (src/main.ts) wait on no network: what the entry imports dynamically (Vue,
 * then the app) and the chat view, evaluated in a task of its own before the mount on a deep link, when
 * a session is first opened otherwise (app/router.ts).
 */
function preloadFirstScreen(): Plugin {
  return {
    name: 'studio-preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === 'chunk')
        const byFile = new Map(chunks.map((c) => [c.fileName, c]))
        const entry = chunks.find((c) => c.isEntry)
        const chat = chunks.find((c) => c.facadeModuleId?.endsWith('/features/chat/ChatView.vue'))
        if (!entry || !chat) throw new Error('studio-preload-first-screen: no entry chunk or no chunk for ChatView.vue')
        const scripts = new Set<string>()
        const add = (file: string): void => {
          if (file === entry.fileName || scripts.has(file)) return
          scripts.add(file)
          for (const dep of byFile.get(file)?.imports ?? []) add(dep)
        }
        for (const file of [...entry.dynamicImports, chat.fileName]) add(file)
        const styles = [...scripts].flatMap((f) => [...(byFile.get(f)?.viteMetadata?.importedCss ?? [])])
        return [
          ...styles.map((file) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `/${file}` }, injectTo: 'head' as const })),
          ...[...scripts].map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` }, injectTo: 'head' as const })),
        ]
      },
    },
  }
}

/**
 * The chunks that get the compile hint: those whose functions nearly all run when they load. The chat,
 * and what it loads for its first markdown (the main thread's side of the worker, and DOMPurify). Not
 * Vue's chunk nor the app's: much of each never runs on the first screen (Vue's runtime; the app's
 * dialogs, palette, menus, keyboard), and compiling all of it while the chunks load, on a 2-core machine,
 * made first visits slower. A/B without the hint (25 visits each): Vue's chunk, U2 cold -16 and -15 ms,
 * warm -15 and -23 ms (two runs); then the app's, U2 cold -19 ms, warm -23 ms, first row from navigation
 * -14 ms, visits with a load task over 50 ms 5 against 8.
 */
const HINTED = new Set(['ChatView', 'markdown', 'purify.es'])

/**
 * The first lines of the first screen's chunks (they must come first, so after every other plugin):
 * - `//# allFunctionsCalledOnLoad`: V8 compiles the chunk's functions as it loads the file, off the main
 *   thread, instead of each on its first call in the middle of the first screen's tasks (Chromium 136+,
 *   a comment to other browsers);
 * - in the vendor chunk, the first to run after the entry (a few lines that only ask for the chunks), the
 *   mark of the moment the app's JS starts running, downloaded and pre-parsed (its functions compile as
 *   they first run), that the UI benchmark times the first paint from (ui-spec F.8 U1).
 */
function firstScreenChunkHeads(): Plugin {
  const hint = '//# allFunctionsCalledOnLoad\n'
  return {
    name: 'studio-first-screen-chunk-heads',
    apply: 'build',
    enforce: 'post',
    // written into the files: Vite's own last edits of a chunk (its preload list first) come after every
    // plugin's generateBundle
    writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue
        const head = chunk.name === 'vendor' ? `performance.mark('studio:js-start');\n` : HINTED.has(chunk.name) ? hint : ''
        if (!head) continue
        const file = join(options.dir!, chunk.fileName)
        writeFileSync(file, head + readFileSync(file, 'utf8'))
        // the lines moved down: so do the source map's (when one is built)
        const map = `${file}.map`
        if (existsSync(map)) {
          const json = JSON.parse(readFileSync(map, 'utf8')) as { mappings: string }
          json.mappings = ';'.repeat(head.split('\n').length - 1) + json.mappings
          writeFileSync(map, JSON.stringify(json))
        }
      }
    },
  }
}

/** Smaller than this, an asset goes out as it is (as Studio's compression threshold, src/http/server.ts). */
const PRECOMPRESS_MIN_BYTES = 1024

/**
 * Every asset also as `.br` (quality 11) and `.gz` (level 9), once, at build time, which Studio sends as
 * they are (src/http/static.ts). Compressed per request instead (at a lower quality), the code cost
 * Studio ~3 ms of CPU per large file, ~40 ms per first visit (bench:ui-ab), on a machine where the
 * browser loading that code needs the CPU too. After every other plugin's writes (the chunk heads above).
 */
function precompressAssets(): Plugin {
  let dir = ''
  return {
    name: 'studio-precompress-assets',
    apply: 'build',
    enforce: 'post',
    writeBundle(options) {
      dir = join(options.dir!, 'assets')
    },
    closeBundle() {
      if (!dir || !existsSync(dir)) return
      for (const name of readdirSync(dir)) {
        const file = join(dir, name)
        if (/\.(br|gz|map)$/.test(name) || statSync(file).size < PRECOMPRESS_MIN_BYTES) continue
        const bytes = readFileSync(file)
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }))
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }))
      }
    },
  }
}
