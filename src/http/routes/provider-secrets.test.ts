import { describe, expect, it } from 'vitest'
import { withoutSecrets } from './provider-secrets.js'

describe('provider secrets', () => {
  it('drops keys and secret-named options at any depth, provider and model, in both answers', () => {
    const provider = {
      id: 'p',
      key: 'sk-1',
      env: ['P_API_KEY'],
      options: { baseURL: 'http://x', apiKey: 'sk-2', headers: { Authorization: 'Bearer t', 'X-Trace': '1' }, timeout: 5 },
      models: { m: { name: 'M', options: { api_key: 'sk-3', temperature: 1 } } },
    }
    const clean = {
      id: 'p',
      env: ['P_API_KEY'],
      options: { baseURL: 'http://x', headers: { 'X-Trace': '1' }, timeout: 5 },
      models: { m: { name: 'M', options: { temperature: 1 } } },
    }
    expect(withoutSecrets({ providers: [provider], default: { p: 'm' } })).toEqual({ providers: [clean], default: { p: 'm' } })
    expect(withoutSecrets({ all: [provider], connected: ['p'] })).toEqual({ all: [clean], connected: ['p'] })
  })
})
