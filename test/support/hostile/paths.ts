// Path-like fields with a way out of the workspace in them: `..`, symlinks, absolute and home paths,
// each disguised as encoded, double-encoded and so on. Fields: the upload's `path`, a prompt part's
// `serverPath`, `directory` (query and header, on the Studio that serves only the workspace), the static
// file paths and the raw part route. Every write attempt names a file with the mark, so a search of the
// disk after the run finds any that got out.

import { doubleEncode, pwned, QUERY_ENCODINGS, req, type HostileCase, type HostileContext } from './request.js'

const TRAVERSAL = 'path traversal'
const SYMLINK = 'symlink escape'
const ABSOLUTE = 'absolute or home path'

interface Way {
  group: string
  name: string
  /** The path, given the context and a fresh marked file name. */
  path(c: HostileContext, name: string): string
}

/** Paths of a file that does not exist yet, each leading out of the workspace. */
const WAYS_OUT: Way[] = [
  { group: TRAVERSAL, name: '../x', path: (_c, n) => `../${n}` },
  { group: TRAVERSAL, name: '../../x', path: (_c, n) => `../../${n}` },
  { group: TRAVERSAL, name: 'hp/../../x', path: (_c, n) => `hp/../../${n}` },
  { group: TRAVERSAL, name: './../x', path: (_c, n) => `./../${n}` },
  { group: TRAVERSAL, name: 'hp/./.././../x', path: (_c, n) => `hp/./.././../${n}` },
  { group: TRAVERSAL, name: '../outside/x (the canary)', path: (_c, n) => `../outside/${n}` },
  { group: TRAVERSAL, name: '20 × ../tmp/x', path: (_c, n) => `${'../'.repeat(20)}tmp/${n}` },
  { group: ABSOLUTE, name: '/tmp/x', path: (_c, n) => `/tmp/${n}` },
  { group: ABSOLUTE, name: '//tmp/x', path: (_c, n) => `//tmp/${n}` },
  { group: ABSOLUTE, name: '<ws>/../x', path: (c, n) => `${c.ws}/../${n}` },
  { group: ABSOLUTE, name: '~/x', path: (_c, n) => `~/${n}` },
  { group: SYMLINK, name: 'link-out/x (a folder outside)', path: (_c, n) => `link-out/${n}` },
  { group: SYMLINK, name: 'link-etc/x', path: (_c, n) => `link-etc/${n}` },
  { group: SYMLINK, name: 'link-root/tmp/x', path: (_c, n) => `link-root/tmp/${n}` },
  { group: SYMLINK, name: 'link-out/sub/x (a folder to create outside)', path: (_c, n) => `link-out/sub-${n}/${n}` },
]

/** Existing files outside the workspace, for the read side (serverPath). */
const FILES_OUT: Way[] = [
  { group: TRAVERSAL, name: '../outside/secret.txt', path: () => '../outside/secret.txt' },
  { group: TRAVERSAL, name: 'hp/../../outside/secret.txt', path: () => 'hp/../../outside/secret.txt' },
  { group: TRAVERSAL, name: '20 × ../etc/passwd', path: () => `${'../'.repeat(20)}etc/passwd` },
  { group: TRAVERSAL, name: '../x (missing, outside)', path: (_c, n) => `../${n}` },
  { group: ABSOLUTE, name: '/etc/passwd', path: () => '/etc/passwd' },
  { group: ABSOLUTE, name: '<ws>/../outside/secret.txt', path: (c) => `${c.ws}/../outside/secret.txt` },
  { group: ABSOLUTE, name: '/proc/self/root/etc/passwd', path: () => '/proc/self/root/etc/passwd' },
  { group: ABSOLUTE, name: '~/x', path: (_c, n) => `~/${n}` },
  { group: SYMLINK, name: 'link-secret (a file outside)', path: () => 'link-secret' },
  { group: SYMLINK, name: 'link-out/secret.txt', path: () => 'link-out/secret.txt' },
  { group: SYMLINK, name: 'link-etc/passwd', path: () => 'link-etc/passwd' },
  { group: SYMLINK, name: 'link-root/etc/passwd', path: () => 'link-root/etc/passwd' },
]

const uploadTo = (c: HostileContext, encodedPath: string, options: { directory?: string; port?: number } = {}) =>
  req(c, 'POST', `/api/fs/upload?directory=${encodeURIComponent(options.directory ?? c.ws)}&path=${encodedPath}&overwrite=true`, {
    body: 'x',
    ...(options.port ? { port: options.port } : {}),
  })

/** A noReply prompt with one serverPath part, the part's JSON text given as is. */
const promptWith = (c: HostileContext, partJson: string, options: { directory?: string; port?: number } = {}) =>
  req(c, 'POST', `/api/session/${c.session}/message?directory=${encodeURIComponent(options.directory ?? c.ws)}`, {
    headers: ['Content-Type: application/json'],
    body: `{"noReply":true,"parts":[${partJson}]}`,
    ...(options.port ? { port: options.port } : {}),
  })
const serverPathPart = (path: string) => JSON.stringify({ type: 'file', mime: 'text/plain', serverPath: path })

function uploadCases(): HostileCase[] {
  const rows: HostileCase[] = []
  for (const way of WAYS_OUT) {
    for (const [encoding, encode] of Object.entries(QUERY_ENCODINGS)) {
      const name = pwned()
      rows.push({
        group: way.group,
        name: `upload path ${way.name}, ${encoding}`,
        request: (c) => uploadTo(c, encode(way.path(c, name))),
        status: 400,
        code: 'upload_path_outside_workspace',
      })
    }
    // decoded once, the double-encoded path is one literal name inside the workspace: written there
    const name = pwned()
    rows.push({ group: way.group, name: `upload path ${way.name}, double-encoded`, request: (c) => uploadTo(c, doubleEncode(way.path(c, name))), status: 200 })
  }
  const odd: [string, (c: HostileContext) => string, number, string?][] = [
    ['NUL then ../ (truncation)', () => `ok.txt%00/../../${pwned()}`, 400, 'upload_path_invalid'],
    ['overlong UTF-8 dots %c0%ae', () => `%c0%ae%c0%ae/${pwned()}`, 200],
    ['backslashes ..\\..\\x (literal on Linux)', () => encodeURIComponent(`..\\..\\${pwned()}`), 200],
    ['full-width dots ．．/x', () => encodeURIComponent(`．．/${pwned()}`), 200],
    ['dangling symlink leading out, overwritten', () => 'link-dangling', 200],
    ['a folder symlink that loops', () => `link-loop/${pwned()}`, 400, 'upload_path_loop'],
    ['hp/link-up/../x: `..` is resolved on the text, so hp/x, inside', () => `hp/link-up/../${pwned()}`, 200],
    ['an absolute path inside the workspace', (c) => encodeURIComponent(`${c.ws}/hp/${pwned()}`), 200],
  ]
  for (const [label, path, status, code] of odd) {
    rows.push({ group: TRAVERSAL, name: `upload path: ${label}`, request: (c) => uploadTo(c, path(c)), status, ...(code ? { code } : {}) })
  }
  return rows
}

function serverPathCases(): HostileCase[] {
  const rows: HostileCase[] = []
  for (const way of FILES_OUT) {
    const name = pwned()
    rows.push({
      group: way.group,
      name: `serverPath ${way.name}`,
      request: (c) => promptWith(c, serverPathPart(way.path(c, name))),
      status: 400,
      code: 'attachment_outside_workspace',
    })
    // JSON's own escapes are decoded by the parser: the same path
    rows.push({
      group: way.group,
      name: `serverPath ${way.name}, dots as \\u002e`,
      request: (c) => promptWith(c, serverPathPart(way.path(c, name)).replace(/\./g, '\\u002e')),
      status: 400,
      code: 'attachment_outside_workspace',
    })
    // a percent-escape in JSON is a literal name that does not exist, inside the workspace
    if (encodeURIComponent(way.path({ ws: '/w' } as HostileContext, name)) === way.path({ ws: '/w' } as HostileContext, name)) continue
    rows.push({
      group: way.group,
      name: `serverPath ${way.name}, percent-encoded (literal)`,
      request: (c) => promptWith(c, serverPathPart(encodeURIComponent(way.path(c, name)))),
      status: 400,
      code: 'attachment_not_found',
    })
  }
  rows.push(
    { group: SYMLINK, name: 'serverPath through a looping symlink', request: (c) => promptWith(c, serverPathPart('link-loop')), status: 400, code: 'attachment_not_found' },
    { group: TRAVERSAL, name: 'serverPath hp/link-up/hp/inside.txt (a way back inside)', request: (c) => promptWith(c, serverPathPart('hp/link-up/hp/inside.txt')), status: 200, openCode: true },
    { group: TRAVERSAL, name: 'serverPath file:///etc/passwd (not a URL here)', request: (c) => promptWith(c, serverPathPart('file:///etc/passwd')), status: 400, code: 'attachment_not_found' },
  )
  return rows
}

/** Directories outside the workspace, for the Studio that serves the workspace only. */
const DIRECTORIES_OUT: [string, (c: HostileContext) => string][] = [
  ['<ws>/..', (c) => `${c.ws}/..`],
  ['<ws>/../outside', (c) => `${c.ws}/../outside`],
  ['<ws>/hp/../..', (c) => `${c.ws}/hp/../..`],
  ['<ws>/link-out (a symlink out)', (c) => `${c.ws}/link-out`],
  ['<ws>/link-root/tmp', (c) => `${c.ws}/link-root/tmp`],
  ['/etc', () => '/etc'],
  ['/', () => '/'],
  ['..', () => '..'],
]

function directoryCases(): HostileCase[] {
  const rows: HostileCase[] = []
  const routes: [string, (c: HostileContext, dir: string) => string | Buffer][] = [
    ['session list', (c, d) => req(c, 'GET', `/api/session?directory=${d}`, { port: c.guardedPort })],
    ['upload', (c, d) => req(c, 'POST', `/api/fs/upload?directory=${d}&path=${pwned()}`, { body: 'x', port: c.guardedPort })],
    ['prompt with serverPath', (c, d) => promptWith(c, serverPathPart('secret.txt'), { directory: decodeURIComponent(d), port: c.guardedPort })],
    ['status', (c, d) => req(c, 'GET', `/api/session/status?directory=${d}`, { port: c.guardedPort })],
    ['proxied file read', (c, d) => req(c, 'GET', `/api/file/content?path=secret.txt&directory=${d}`, { port: c.guardedPort })],
    ['x-opencode-directory header', (c, d) => req(c, 'GET', '/api/session', { headers: [`x-opencode-directory: ${d}`], port: c.guardedPort })],
  ]
  for (const [label, dir] of DIRECTORIES_OUT) {
    for (const [route, send] of routes) {
      rows.push({
        group: label.startsWith('<ws>/link') ? SYMLINK : TRAVERSAL,
        name: `directory ${label}, ${route}`,
        guarded: true,
        request: (c) => send(c, encodeURIComponent(dir(c))),
        status: 403,
        code: 'directory_not_allowed',
      })
    }
    for (const encoding of ['every byte escaped', 'dots escaped'] as const) {
      rows.push({
        group: TRAVERSAL,
        name: `directory ${label}, session list, ${encoding}`,
        guarded: true,
        request: (c) => req(c, 'GET', `/api/session?directory=${QUERY_ENCODINGS[encoding]!(dir(c))}`, { port: c.guardedPort }),
        status: 403,
        code: 'directory_not_allowed',
      })
    }
    rows.push({
      group: TRAVERSAL,
      name: `directory ${label}, upload, double-encoded`,
      guarded: true,
      request: (c) => req(c, 'POST', `/api/fs/upload?directory=${doubleEncode(dir(c))}&path=${pwned()}`, { body: 'x', port: c.guardedPort }),
      status: 403,
      code: 'directory_not_allowed',
    })
  }
  // on the Studio that serves any directory, a relative one is refused rather than guessed
  for (const dir of ['..', 'hp', './', '~', '../outside']) {
    rows.push({
      group: TRAVERSAL,
      name: `relative directory ${dir}, upload`,
      request: (c) => req(c, 'POST', `/api/fs/upload?directory=${encodeURIComponent(dir)}&path=${pwned()}`, { body: 'x' }),
      status: 400,
      code: 'directory_not_absolute',
    })
  }
  rows.push(
    { group: TRAVERSAL, name: 'relative directory .., session list', request: (c) => req(c, 'GET', '/api/session?directory=..'), status: 400, code: 'directory_not_absolute' },
    { group: TRAVERSAL, name: 'relative directory .., status', request: (c) => req(c, 'GET', '/api/session/status?directory=..'), status: 400, code: 'directory_not_absolute' },
    {
      group: TRAVERSAL,
      name: 'directory with a NUL byte, upload',
      request: (c) => req(c, 'POST', `/api/fs/upload?directory=${encodeURIComponent(c.ws)}%00/../..&path=${pwned()}`, { body: 'x' }),
      status: 400,
      code: 'workspace_not_found',
    },
  )
  return rows
}

/** Static file paths: served from web/dist only, whatever the disguise. */
const STATIC_PATHS = [
  '/../../etc/passwd.txt',
  '/assets/../../package.json',
  '/assets/../../../../../../etc/hostname.txt',
  '/assets/..%2f..%2fpackage.json',
  '/assets/%2e%2e/%2e%2e/package.json',
  '/assets/%2E%2E/%2E%2E/package.json',
  '/assets/%252e%252e/%252e%252e/package.json',
  '/assets/.%2e/.%2e/package.json',
  '/%2e%2e%2f%2e%2e%2fpackage.json',
  '/assets/..\\..\\package.json',
  '/assets/....//....//package.json',
  '//etc/passwd.txt',
  '/assets//etc/passwd.js',
  '/assets/%2fetc%2fpasswd.js',
  '/assets/%00.js',
  '/assets/x.js%00.png',
  '/assets/..%5c..%5cpackage.json',
]

function staticCases(): HostileCase[] {
  return [
    ...STATIC_PATHS.map((path): HostileCase => ({ group: TRAVERSAL, name: `static path ${path}`, request: (c) => req(c, 'GET', path), status: 404, code: 'not_found' })),
    // not UTF-8 once decoded: refused before any route
    { group: TRAVERSAL, name: 'static path /assets/%c0%ae%c0%ae/package.json (overlong UTF-8)', request: (c) => req(c, 'GET', '/assets/%c0%ae%c0%ae/package.json'), status: 400, code: 'bad_url' },
  ]
}

/** The raw part route: ids that are paths. */
const RAW_IDS: [string, string, string][] = [
  ['..', '..', '..'],
  ['%2e%2e', 'msg_x', 'prt_x'],
  ['ses_x', '..%2f..%2fetc', 'passwd'],
  ['ses_x', 'msg_x', '..%2f..%2f..%2fetc%2fpasswd'],
  ['ses_x', 'msg_x', '%252e%252e%252fpasswd'],
  ['ses_x%00', 'msg_x', 'prt_x'],
  ['ses_x', 'msg_x', 'prt_x%2f..%2f..'],
  ['.', 'msg_x', 'prt_x'],
]

function rawPartCases(): HostileCase[] {
  return RAW_IDS.map(([s, m, p]) => ({
    group: TRAVERSAL,
    name: `raw part route /api/session/${s}/message/${m}/part/${p}/raw`,
    request: (c) => req(c, 'GET', `/api/session/${s}/message/${m}/part/${p}/raw`),
    status: 404,
    code: 'part_not_found',
  }))
}

export const PATH_CASES: HostileCase[] = [...uploadCases(), ...serverPathCases(), ...directoryCases(), ...staticCases(), ...rawPartCases()]
