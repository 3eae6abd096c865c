// GET /api/config/providers and GET /api/provider: OpenCode's answers with secrets removed before they
// reach a browser. OpenCode 1.18.33 echoes each provider's configured options, `apiKey` included
// (ui-spec §D). Removed: a provider's `key`, and in every `options` object (the provider's and each
// model's, at any depth) the values whose name says secret (api key, token, secret, password,
// authorization, credential, cookie). Everything else, status and headers included, is OpenCode's.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { UpstreamClient } from '../../upstream/index.js'
import { passThrough } from '../pass-through.js'
import { forwardRequestHeaders } from '../proxy-headers.js'
import { isRecord } from '../../lib/is-record.js'

export interface ProviderSecretRoutesOptions {
  upstream: UpstreamClient
}

const SECRET_NAME_RE = /(api[-_]?key|^key$|token|secret|password|passwd|authorization|credential|cookie|private[-_]?key)/i

export async function providerSecretRoutes(app: FastifyInstance, { upstream }: ProviderSecretRoutesOptions): Promise<void> {
  const scrubbed = async (request: FastifyRequest, reply: FastifyReply) => {
    const headers = forwardRequestHeaders(request.headers, request.id)
    delete headers['accept-encoding'] // the body is read here, so it must come as plain JSON
    const res = await upstream.request({ method: 'GET', path: request.url.slice('/api'.length), headers })
    const body = await res.body.text()
    const type = res.headers['content-type']
    if (res.statusCode !== 200) return passThrough(reply, res.statusCode, type, body)
    let value: unknown
    try {
      value = JSON.parse(body)
    } catch {
      return passThrough(reply, res.statusCode, type, body)
    }
    return reply.type(typeof type === 'string' ? type : 'application/json').send(JSON.stringify(withoutSecrets(value)))
  }
  app.get('/api/config/providers', scrubbed)
  app.get('/api/provider', scrubbed)
}

/** Both answers' shapes: {providers: [...]} (config/providers) and {all: [...]} (provider). */
export function withoutSecrets(answer: unknown): unknown {
  if (!isRecord(answer)) return answer
  const out: Record<string, unknown> = { ...answer }
  for (const list of ['providers', 'all'] as const) {
    const providers = answer[list]
    if (Array.isArray(providers)) out[list] = providers.map(scrubProvider)
  }
  return out
}

function scrubProvider(provider: unknown): unknown {
  if (!isRecord(provider)) return provider
  const { key: _key, ...rest } = provider
  const out: Record<string, unknown> = rest
  if (isRecord(provider.options)) out.options = scrubOptions(provider.options)
  if (isRecord(provider.models)) {
    out.models = Object.fromEntries(
      Object.entries(provider.models).map(([id, model]) => [
        id,
        isRecord(model) && isRecord(model.options) ? { ...model, options: scrubOptions(model.options) } : model,
      ]),
    )
  }
  return out
}

function scrubOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(options)) {
    if (SECRET_NAME_RE.test(name)) continue
    out[name] = isRecord(value) ? scrubOptions(value) : value
  }
  return out
}
