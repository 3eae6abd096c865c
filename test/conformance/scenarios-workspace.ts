// What clients read besides sessions: commands, config, providers, agents, paths, find and files.
// Directory `w` holds two small files written before the first scenario.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { answer, type Scenario } from './context.js'

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
    name: 'config.providers',
    run: (c) => answer(c.client('w').config.providers()),
  },
  {
    name: 'provider.list',
    run: (c) => answer(c.client('w').provider.list()),
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
