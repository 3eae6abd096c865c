// The baseline the attachment cache is measured against: on every prompt it reads the whole file,
// base64-encodes it in memory, builds the JSON body as one string and posts it to OpenCode's
// prompt_async, which is what a Studio without the cache does (the Rust Studio's fallback path).
// Usage: naive-forwarder.ts <opencode origin>; then POST /session/<id>?directory=…&file=<absolute path>.

import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { Pool } from 'undici'

const upstream = new Pool(process.argv[2]!, { connections: 16 })
const server = createServer((req, res) => {
  void (async () => {
    const url = new URL(req.url!, 'http://x')
    const id = url.pathname.split('/')[2]!
    const data = await readFile(url.searchParams.get('file')!)
    const body = JSON.stringify({
      parts: [
        { type: 'text', text: 'naive' },
        { type: 'file', mime: 'application/pdf', filename: 'doc.pdf', url: `data:application/pdf;base64,${data.toString('base64')}` },
      ],
    })
    const r = await upstream.request({
      method: 'POST',
      path: `/session/${id}/prompt_async?directory=${encodeURIComponent(url.searchParams.get('directory')!)}`,
      headers: { 'content-type': 'application/json' },
      body,
    })
    await r.body.dump()
    res.writeHead(r.statusCode).end() // OpenCode's 204, as Studio passes it on
  })().catch((err: unknown) => res.writeHead(500).end(String(err)))
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`naive forwarder listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`)
})
