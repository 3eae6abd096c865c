// Asks the OS for a free loopback TCP port (or checks that a preferred one is still free).

import { createServer } from 'node:net'

export function freePort(preferred = 0, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (preferred !== 0 && err.code === 'EADDRINUSE') resolve(freePort(0, host))
      else reject(err)
    })
    server.listen({ port: preferred, host, exclusive: true }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
