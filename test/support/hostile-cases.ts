// Hostile and broken requests with the answer Studio must give: a table, so the fault suite can reuse it.
// Every row is sent as raw bytes (test/support/raw-http.ts); `expect` is the status and, for Studio's
// own answers, the `code` of its `{error, code}` body.

export interface HostileContext {
  port: number
  /** A workspace with hp/inside.txt in it. */
  ws: string
  /** A session that exists in OpenCode. */
  session: string
}

export interface HostileCase {
  name: string
  /** The item of issue 13 it reproduces. */
  item: number
  request(c: HostileContext): string | Buffer
  status: number
  code?: string
}

/** A request with Host (Studio's own), Connection: close and, for a body, Content-Length. */
export function req(c: HostileContext, method: string, target: string, options: { headers?: string[]; body?: string; host?: string | null } = {}): string {
  const lines = [`${method} ${target} HTTP/1.1`]
  const host = options.host === undefined ? `127.0.0.1:${c.port}` : options.host
  if (host !== null) lines.push(`Host: ${host}`)
  lines.push('Connection: close', ...(options.headers ?? []))
  if (options.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(options.body)}`)
  return `${lines.join('\r\n')}\r\n\r\n${options.body ?? ''}`
}

const upload = (c: HostileContext, path: string) =>
  req(c, 'POST', `/api/fs/upload?directory=${encodeURIComponent(c.ws)}&path=${path}&overwrite=true`, { body: 'x' })

const prompt = (c: HostileContext, directory: string, serverPath: string) =>
  req(c, 'POST', `/api/session/${c.session}/message?directory=${encodeURIComponent(directory)}`, {
    headers: ['Content-Type: application/json'],
    body: JSON.stringify({ noReply: true, parts: [{ type: 'file', mime: 'text/plain', serverPath }] }),
  })

export const HOSTILE_CASES: HostileCase[] = [
  // 3. upload paths that are the client's fault
  { item: 3, name: 'upload path with a NUL byte', request: (c) => upload(c, 'hp/a%00b.txt'), status: 400, code: 'upload_path_invalid' },
  { item: 3, name: 'upload name over 255 bytes', request: (c) => upload(c, `hp/${'n'.repeat(256)}.txt`), status: 400, code: 'upload_name_too_long' },
  { item: 3, name: 'upload under 2,100 nested folders', request: (c) => upload(c, `${'d/'.repeat(2100)}f.txt`), status: 400, code: 'upload_path_too_long' },
  { item: 3, name: 'upload under a parent that is a file', request: (c) => upload(c, 'hp/inside.txt/child.txt'), status: 400, code: 'upload_parent_not_a_directory' },
  { item: 3, name: 'upload to the workspace folder itself', request: (c) => upload(c, '.'), status: 400, code: 'upload_target_is_directory' },
  { item: 3, name: 'upload with a legal 255-byte name', request: (c) => upload(c, `hp/${'l'.repeat(251)}.txt`), status: 200 },
  // 8. special files
  { item: 8, name: 'serverPath of /proc/self/environ', request: (c) => prompt(c, '/proc/self', 'environ'), status: 400, code: 'attachment_not_a_file' },
  { item: 8, name: 'serverPath of a device', request: (c) => prompt(c, '/dev', 'null'), status: 400, code: 'attachment_not_a_file' },
  { item: 8, name: 'serverPath with a NUL byte', request: (c) => prompt(c, c.ws, 'hp/a\u0000b.txt'), status: 400, code: 'attachment_path_invalid' },
]
