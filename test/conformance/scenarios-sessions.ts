// Session CRUD and lists: create, get, update, delete, list (by directory, roots, search, limit, start,
// scope, none), and children across directories. Directories: `a` and `b` (plain folders, project "global").

import { answer, type Scenario } from './context.js'

const UNKNOWN_SESSION = 'ses_0000000000000000000000000a'

export const sessionScenarios: Scenario[] = [
  {
    name: 'session.create with a title',
    async run(c) {
      const r = await answer(c.client('a').session.create({ title: 'alpha' }))
      c.name('alpha', r.body?.id, r)
      return r
    },
  },
  {
    name: 'session.create: a second in a, one in b, a child of alpha in b (another directory)',
    async run(c) {
      const beta = await answer(c.client('a').session.create({ title: 'Beta session' }))
      c.name('beta', beta.body?.id, beta)
      const gamma = await answer(c.client('b').session.create({ title: 'gamma' }))
      c.name('gamma', gamma.body?.id, gamma)
      const child = await answer(c.client('b').session.create({ title: 'alpha child', parentID: c.id('alpha') }))
      c.name('alpha-child', child.body?.id, child)
      return { beta, gamma, child }
    },
  },
  {
    name: 'session.get',
    run: (c) => answer(c.client('a').session.get({ sessionID: c.id('alpha') })),
  },
  {
    name: 'session.get from another directory',
    run: (c) => answer(c.client('b').session.get({ sessionID: c.id('alpha') })),
  },
  {
    // Studio answers this 404 from storage: OpenCode's body exactly (its own code only in a header)
    name: 'session.get of an unknown session',
    notOnLegacy: "1.1.65's 404 names its storage file (`Resource not found: …/storage/session/<project>/<id>.json`); Studio answers 1.18's message on either storage",
    run: (c) => answer(c.client('a').session.get({ sessionID: UNKNOWN_SESSION })),
  },
  {
    name: 'session.update (title)',
    run: (c) => answer(c.client('a').session.update({ sessionID: c.id('alpha'), title: 'alpha renamed' })),
  },
  {
    name: 'session.list by directory',
    async run(c) {
      return { a: await answer(c.client('a').session.list()), b: await answer(c.client('b').session.list()) }
    },
  },
  {
    name: 'session.list roots (the cross-directory child is in neither)',
    async run(c) {
      return {
        a: await answer(c.client('a').session.list({ roots: true })),
        b: await answer(c.client('b').session.list({ roots: true })),
      }
    },
  },
  {
    name: 'session.list search (case-insensitive title substring)',
    async run(c) {
      return {
        beta: await answer(c.client('a').session.list({ search: 'BETA' })),
        none: await answer(c.client('a').session.list({ search: 'no such title' })),
      }
    },
  },
  {
    name: 'session.list limit',
    run: (c) => answer(c.client('a').session.list({ limit: 1 })),
  },
  {
    name: 'session.list start (updated since)',
    async run(c) {
      const beta = await c.client('a').session.get({ sessionID: c.id('beta') })
      const start = beta.data?.time.updated ?? 0
      return answer(c.client('a').session.list({ start }))
    },
  },
  {
    name: 'session.list scope=project',
    notOnLegacy: "1.1.65 has no `scope` (it lists the directory's sessions only); Studio answers 1.18's semantics on either storage",
    run: (c) => answer(c.client('a').session.list({ scope: 'project' })),
  },
  {
    name: "session.list without a directory (the server's own)",
    run: (c) => answer(c.client().session.list()),
  },
  {
    name: 'session.children across directories, asked from either',
    async run(c) {
      return {
        fromA: await answer(c.client('a').session.children({ sessionID: c.id('alpha') })),
        fromB: await answer(c.client('b').session.children({ sessionID: c.id('alpha') })),
        none: await answer(c.client('a').session.children({ sessionID: c.id('beta') })),
      }
    },
  },
  {
    name: 'session.delete, then get and list',
    notOnLegacy: "1.1.65's 404 names its storage file (`Resource not found: …/storage/session/<project>/<id>.json`); Studio answers 1.18's message on either storage",
    async run(c) {
      const doomed = await c.client('b').session.create({ title: 'doomed' })
      const id = c.name('doomed', doomed.data?.id, doomed.error)
      return {
        deleted: await answer(c.client('b').session.delete({ sessionID: id })),
        get: await answer(c.client('b').session.get({ sessionID: id })),
        list: await answer(c.client('b').session.list()),
      }
    },
  },
]
