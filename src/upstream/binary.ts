// Which OpenCode binary to spawn: the configured one, else `opencode` on PATH, else the native binary of
// the opencode-ai package Studio depends on. A native binary is preferred over a wrapper script so that
// the PID Studio holds is OpenCode itself: stopping it can then never orphan a grandchild.

import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join, sep } from 'node:path'

export type BinarySource = 'config' | 'path' | 'package'

export interface ResolvedBinary {
  path: string
  source: BinarySource
}

export interface ResolveBinaryInput {
  configured: string | null
  /** The PATH to search (from the environment the child will get). */
  envPath: string | undefined
  /** Where to look for the opencode-ai package; defaults to Studio's own node_modules. */
  packageRoot?: string | null
  platform?: NodeJS.Platform
  arch?: string
}

export type ResolveBinaryResult = { ok: true; binary: ResolvedBinary } | { ok: false; message: string }

const require = createRequire(import.meta.url)

export function resolveOpenCodeBinary(input: ResolveBinaryInput): ResolveBinaryResult {
  if (input.configured) {
    if (isExecutableFile(input.configured)) return { ok: true, binary: { path: input.configured, source: 'config' } }
    return { ok: false, message: `configured OpenCode binary is not an executable file: ${input.configured}` }
  }
  const root = input.packageRoot === undefined ? packageRootOf('opencode-ai') : input.packageRoot
  // `npm start` / `npm test` put Studio's own node_modules/.bin first on PATH. Whatever `opencode` is
  // linked there is not the user's choice (with several opencode-ai versions installed it may even be
  // an old one behind a wrapper script): skip it, the pinned package is taken below.
  const ownModules = root ? realpathOrSelf(dirname(root)) + sep : null
  for (const dir of (input.envPath ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, 'opencode')
    if (!isExecutableFile(candidate)) continue
    if (ownModules && realpathOrSelf(candidate).startsWith(ownModules)) continue
    return { ok: true, binary: { path: candidate, source: 'path' } }
  }
  for (const candidate of packageCandidates(root, input.platform ?? process.platform, input.arch ?? process.arch)) {
    if (isExecutableFile(candidate) && !isScript(candidate)) return { ok: true, binary: { path: candidate, source: 'package' } }
  }
  return {
    ok: false,
    message: 'no OpenCode binary found: set OPENCODE_STUDIO_OPENCODE_BIN, put `opencode` on PATH, or run `npm ci` to install opencode-ai',
  }
}

/** opencode-ai's postinstall links the platform binary to bin/opencode.exe; the platform packages hold it too. */
function packageCandidates(root: string | null, platform: NodeJS.Platform, arch: string): string[] {
  if (!root) return []
  const os = platform === 'win32' ? 'windows' : platform
  const exe = platform === 'win32' ? 'opencode.exe' : 'opencode'
  const out = [join(root, 'bin', 'opencode.exe')]
  for (const suffix of ['', '-baseline', '-musl', '-baseline-musl']) {
    const platformRoot = packageRootOf(`opencode-${os}-${arch}${suffix}`, root)
    if (platformRoot) out.push(join(platformRoot, 'bin', exe))
  }
  return out
}

function packageRootOf(name: string, from?: string): string | null {
  try {
    const paths = from ? [from] : undefined
    return dirname(require.resolve(`${name}/package.json`, paths ? { paths } : undefined))
  } catch {
    return null
  }
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function isScript(path: string): boolean {
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(2)
    readSync(fd, head, 0, 2, 0)
    return head.toString('latin1') === '#!'
  } finally {
    closeSync(fd)
  }
}
