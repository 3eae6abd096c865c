// The build's first-screen plumbing (web/vite.config.ts), on a build of its own: index.html preloads each
// chunk the start evaluates in its own task, and those chunks begin with V8's compile hint (and the
// vendor chunk with the mark the UI benchmark times the start from). A Vite or plugin change that drops
// one of these leaves the app working but slower, so only a test notices. So does every asset's
// compressed copies, which Studio sends instead of compressing per request (src/http/static.ts).

import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')
let out = ''

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'ocs-web-build-'))
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--outDir', out, '--emptyOutDir'], { cwd: ROOT, stdio: 'ignore' })
}, 120_000)
afterAll(() => rmSync(out, { recursive: true, force: true }))

const chunk = (name: string): string => {
  const file = readdirSync(join(out, 'assets')).find((f) => f.startsWith(`${name}-`) && f.endsWith('.js'))
  if (!file) throw new Error(`no ${name} chunk in the build`)
  return file
}

describe('the web build', () => {
  it('preloads every chunk of the first screen, with their stylesheets', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8')
    for (const name of ['vendor', 'start', 'ChatView']) expect(html).toContain(`<link rel="modulepreload" crossorigin href="/assets/${chunk(name)}">`)
    const styles = readdirSync(join(out, 'assets')).filter((f) => /^(start|ChatView)-.*\.css$/.test(f))
    expect(styles.length).toBe(2)
    for (const css of styles) expect(html).toContain(`<link rel="stylesheet" crossorigin href="/assets/${css}">`)
  })

  it("starts the chat's chunk with the compile hint, the app's with none, and the vendor chunk with the start mark", () => {
    expect(readFileSync(join(out, 'assets', chunk('ChatView')), 'utf8').startsWith('//# allFunctionsCalledOnLoad\n')).toBe(true)
    expect(readFileSync(join(out, 'assets', chunk('start')), 'utf8')).not.toContain('allFunctionsCalledOnLoad')
    const vendor = readFileSync(join(out, 'assets', chunk('vendor')), 'utf8').split('\n')
    expect(vendor[0]).toBe("performance.mark('studio:js-start');")
    // the entry only asks for the chunks: no Vue in it
    const entry = readFileSync(join(out, 'assets', chunk('index')), 'utf8')
    expect(entry.length).toBeLessThan(8 * 1024)
    expect(entry).not.toContain('performance.mark(')
  })

  it('writes every asset of 1 KiB or more also as .br and .gz, each the same bytes once decompressed', () => {
    const dir = join(out, 'assets')
    const assets = readdirSync(dir).filter((f) => !/\.(br|gz)$/.test(f) && statSync(join(dir, f)).size >= 1024)
    expect(assets.length).toBeGreaterThan(10)
    for (const name of assets) {
      const bytes = readFileSync(join(dir, name))
      expect(brotliDecompressSync(readFileSync(join(dir, `${name}.br`))).equals(bytes)).toBe(true)
      expect(gunzipSync(readFileSync(join(dir, `${name}.gz`))).equals(bytes)).toBe(true)
    }
    // the chunk heads (written after the bundle) are in the compressed copies too
    const vendor = brotliDecompressSync(readFileSync(join(dir, `${chunk('vendor')}.br`))).toString('utf8')
    expect(vendor.startsWith("performance.mark('studio:js-start');\n")).toBe(true)
    expect(existsSync(join(dir, `${chunk('index')}.br`))).toBe(true)
  })
})
