// The floor any out-of-process proxy pays on this machine: a bare Node http server that hands each
// request to undici and streams the answer back, with no routing, checks or headers work. The
// proxy-overhead scenario runs it beside Studio, in the same run, so Studio's number can be read
// against what the extra process hop alone costs here. Usage: reference-proxy.ts <upstream origin>

import { createServer } from 'node:http'
import { Pool, type Dispatcher } from 'undici'

const upstream = new Pool(process.argv[2]!, { connections: 8 })
const server = createServer((req, res) => {
  upstream
    .stream({ method: req.method as Dispatcher.HttpMethod, path: req.url!.slice('/api'.length), headers: {} }, ({ statusCode, headers }) => {
      res.writeHead(statusCode, headers as Record<string, string>)
      return res
    })
    .catch(() => res.destroy())
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`reference proxy listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`)
})
