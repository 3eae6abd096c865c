// What clients read besides sessions: commands, config, providers, agents, paths, find and files.
// Directory `w` holds two small files written before the first scenario.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { answer, type Ctx, type Scenario } from './context.js'

export const workspaceScenarios: Scenario[] = [
  {
    name: 'command.list',
    run: (c) => answer(c.client('w').command.list()),
  },
  {
    name: 'config.get',
    run: (c) => answer(c.client('w').config.get()),
  },
  {
    // The one documented difference (docs/compatibility.md): Studio keeps secrets on the server. OpenCode's
    // answer is compared with those values taken out, and OpenCode's must really have had one.
    name: 'config.providers (secrets stay on the server)',
    run: async (c) => withoutSecrets(c, await answer(c.client('w').config.providers())),
  },
  {
    name: 'provider.list (secrets stay on the server)',
    run: async (c) => withoutSecrets(c, await answer(c.client('w').provider.list())),
  },
  {
    name: 'app.agents',
    run: (c) => answer(c.client('w').app.agents()),
  },
  {
    name: 'path.get',
    run: (c) => answer(c.client('w').path.get()),
  },
  {
    name: 'find.files and find.text',
    async run(c) {
      const dir = c.dir('w')
      writeFileSync(join(dir, 'notes.txt'), 'first line\nthe needle is here\n')
      writeFileSync(join(dir, 'other.md'), '# Other\n')
      const client = c.client('w')
      return {
        files: await answer(client.find.files({ query: 'notes' })),
        dirs: await answer(client.find.files({ query: 'o', type: 'file' })),
        text: await answer(client.find.text({ pattern: 'needle' })),
      }
    },
  },
  {
    name: 'file.list and file.read (content)',
    async run(c) {
      const client = c.client('w')
      return {
        list: await answer(client.file.list({ path: '.' })),
        read: await answer(client.file.read({ path: 'notes.txt' })),
        missing: await answer(client.file.read({ path: 'missing.txt' })),
      }
    },
  },
]

/** Option names the docs list as secret (README, provider answers): any key, token, secret, password… */
const SECRET_OPTION_RE = /key|token|secret|password|authorization|credential|cookie/i

/**
 * OpenCode's answer as Studio documents it will arrive: secret option values (any depth under `options`)
 * and a provider's `key` removed. On Studio's side nothing may be left to remove.
 */
function withoutSecrets(c: Ctx, value: unknown): unknown {
  let removed = 0
  const walk = (v: unknown, underOptions: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, underOptions))
    if (!v || typeof v !== 'object') return v
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      if ((underOptions && SECRET_OPTION_RE.test(k) && typeof x !== 'object') || (k === 'key' && typeof x === 'string')) {
        removed++
        continue
      }
      out[k] = walk(x, underOptions || k === 'options')
    }
    return out
  }
  const cleaned = walk(value, false)
  if (c.side.name === 'opencode' && removed === 0) throw new Error('OpenCode answered without any secret: the comparison would prove nothing')
  if (c.side.name === 'studio' && removed > 0) throw new Error(`Studio let ${removed} secret value(s) through`)
  return cleaned
}
