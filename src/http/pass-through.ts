// An OpenCode answer Studio read but does not change (an error, or a body it cannot interpret), sent to
// the client with OpenCode's status and content type.

import type { FastifyReply } from 'fastify'

export function passThrough(reply: FastifyReply, statusCode: number, contentType: string | string[] | undefined, body: string): FastifyReply {
  return reply
    .code(statusCode)
    .type(typeof contentType === 'string' ? contentType : 'application/json')
    .send(body)
}
