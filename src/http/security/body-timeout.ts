// Progress-based timeout for request bodies: a body that stops sending (an endless chunked upload that
// went quiet, a client that vanished mid-prompt) is answered 408 and closed, while a slow body that keeps
// moving is left alone. Only while the body is being received: a response that takes minutes (a prompt
// waiting for the model, an event stream) is never cut. Node's own requestTimeout bounds the total.

import type { FastifyInstance } from 'fastify'
import { requestTimeout } from '../errors.js'

export function installBodyIdleTimeout(app: FastifyInstance, idleMs: number): void {
  if (idleMs <= 0) return
  app.addHook('onRequest', (request, reply, done) => {
    const req = request.raw
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
    if (!hasBody || req.complete) return done()
    const socket = req.socket
    const clear = () => {
      socket.setTimeout(0)
      req.off('timeout', onTimeout)
    }
    // Node emits 'timeout' on the request whose body is still arriving when its socket goes idle
    const onTimeout = () => {
      clear()
      const res = reply.raw
      const e = requestTimeout()
      // The request is destroyed explicitly: once its response is finished, Node no longer aborts it
      // when the socket closes, and a handler still reading the body would wait forever.
      const stop = () => req.destroy(e) // also closes the connection
      if (res.headersSent) return stop()
      res.writeHead(e.statusCode, { 'content-type': 'application/json', connection: 'close' })
      res.end(JSON.stringify({ error: e.message, code: e.code }), stop)
    }
    socket.setTimeout(idleMs)
    req.on('timeout', onTimeout)
    req.once('end', clear)
    reply.raw.once('close', clear)
    done()
  })
}
