// Host and Origin variants (DNS rebinding, cross-site writes): loopback names in every spelling are
// served, anything else is refused before any route runs. IPv6, trailing dots, mixed case, ports.

import { req, type HostileCase } from './request.js'

const GROUP = 'Host and Origin'

/** Host headers Studio (bound to 127.0.0.1) serves: loopback names, any port. */
const SERVED = (port: number) => [
  `localhost:${port}`,
  `LOCALHOST:${port}`,
  'LocalHost',
  `127.0.0.1`,
  `127.0.0.2:${port}`,
  '127.255.255.254:1',
  `[::1]:${port}`,
  '[::1]',
  `[0:0:0:0:0:0:0:1]:${port}`,
  `app.localhost:${port}`,
  `A.B.LOCALHOST`,
  ` 127.0.0.1:${port} `,
]

/** Host headers it refuses: foreign names, look-alikes, other spellings of loopback it does not guess at. */
const REFUSED = (port: number) => [
  'evil.example',
  `evil.example:${port}`,
  `127.0.0.1.evil.example:${port}`,
  `localhost.evil.example`,
  `localhost.`,
  `localhost.:${port}`,
  `127.0.0.1.`,
  `127.0.0.1.:${port}`,
  `LOCALHOST.:${port}`,
  '[::ffff:127.0.0.1]',
  `[::]:${port}`,
  `0.0.0.0:${port}`,
  '2130706433',
  '0x7f000001',
  '127.1',
  `[::1`,
  `::1:${port}`,
  `localhost:${port}:${port}`,
  'localhost:abc',
  'localhost:123456',
  `evil.example@localhost:${port}`,
  `localhost@evil.example:${port}`,
  `localhost%2eevil.example`,
  '',
]

/** Origins of a state-changing request (POST /auth/logout, Studio's own) with Host 127.0.0.1:<port>. */
const ORIGINS: [string, (port: number) => string, boolean][] = [
  ['the same origin', (p) => `http://127.0.0.1:${p}`, true],
  ['the same origin, upper-case scheme and a path', (p) => `HTTP://127.0.0.1:${p}/x`, true],
  ['a foreign origin', () => 'http://evil.example', false],
  ['null (a sandboxed frame, a file)', () => 'null', false],
  ['localhost (another host name than the request’s)', (p) => `http://localhost:${p}`, false],
  ['another port', (p) => `http://127.0.0.1:${p + 1}`, false],
  ['no port', () => 'http://127.0.0.1', false],
  ['a trailing dot (URL parsing makes it 127.0.0.1: the same origin)', (p) => `http://127.0.0.1.:${p}`, true],
  ['https', (p) => `https://127.0.0.1:${p}`, false],
  ['[::1]', (p) => `http://[::1]:${p}`, false],
  ['a look-alike suffix', (p) => `http://127.0.0.1:${p}.evil.example`, false],
  ['userinfo', (p) => `http://127.0.0.1:${p}@evil.example`, false],
  ['a browser extension', () => 'chrome-extension://abcdef', false],
  ['file://', () => 'file://', false],
  ['garbage', () => '::::', false],
  ['empty', () => '', false],
]

export const HOST_CASES: HostileCase[] = [
  ...SERVED(0).map((_, i): HostileCase => ({
    group: GROUP,
    name: `Host ${JSON.stringify(SERVED(1234)[i])} (loopback) is served`,
    request: (c) => req(c, 'GET', '/health', { host: SERVED(c.port)[i]! }),
    status: 200,
  })),
  ...REFUSED(0).map((_, i): HostileCase => ({
    group: GROUP,
    name: `Host ${JSON.stringify(REFUSED(1234)[i])} is refused`,
    request: (c) => req(c, 'GET', '/health', { host: REFUSED(c.port)[i]! }),
    status: 403,
    code: 'host_not_allowed',
  })),
  ...REFUSED(0).slice(0, 6).map((_, i): HostileCase => ({
    group: GROUP,
    name: `Host ${JSON.stringify(REFUSED(1234)[i])} is refused on a proxied route too`,
    request: (c) => req(c, 'GET', '/api/config', { host: REFUSED(c.port)[i]! }),
    status: 403,
    code: 'host_not_allowed',
  })),
  ...ORIGINS.map(([label, origin, allowed]): HostileCase => ({
    group: GROUP,
    name: `Origin of ${label} on a POST`,
    request: (c) => req(c, 'POST', '/auth/logout', { headers: [`Origin: ${origin(c.port)}`] }),
    ...(allowed ? { status: 204 } : { status: 403, code: 'origin_not_allowed' }),
  })),
  ...(['PUT', 'PATCH', 'DELETE'] as const).map((method): HostileCase => ({
    group: GROUP,
    name: `foreign Origin on a ${method} to OpenCode`,
    request: (c) => req(c, method, `/api/session/${c.session}`, { headers: ['Origin: http://evil.example', 'Content-Type: application/json'], body: '{}' }),
    status: 403,
    code: 'origin_not_allowed',
  })),
  {
    group: GROUP,
    name: 'foreign Origin on a GET is answered (reads are not state changes; CORS keeps the page from reading it)',
    request: (c) => req(c, 'GET', '/health', { headers: ['Origin: http://evil.example'] }),
    status: 200,
  },
  {
    group: GROUP,
    name: 'same origin over [::1] with Host [::1]',
    request: (c) => req(c, 'POST', '/auth/logout', { host: `[::1]:${c.port}`, headers: [`Origin: http://[::1]:${c.port}`] }),
    status: 204,
  },
  {
    group: GROUP,
    name: 'Host with a space under .localhost, with an Origin (was a 500)',
    request: (c) => req(c, 'POST', '/auth/logout', { host: `a b.localhost:${c.port}`, headers: [`Origin: http://a.localhost:${c.port}`] }),
    status: 403,
    code: 'host_not_allowed',
  },
  {
    group: GROUP,
    name: 'Host with < > under .localhost, with an Origin (was a 500)',
    request: (c) => req(c, 'POST', '/auth/logout', { host: `<x>.localhost:${c.port}`, headers: [`Origin: http://x.localhost:${c.port}`] }),
    status: 403,
    code: 'host_not_allowed',
  },
]

