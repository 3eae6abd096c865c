import { describe, expect, it } from 'vitest'
import type { OptionKind } from './options.js'
import { parseValue } from './parse-value.js'

const ctx = { cwd: '/work', home: '/home/me' }

describe('parseValue', () => {
  const accepted: [OptionKind, unknown, unknown][] = [
    ['port', '0', 0],
    ['port', ' 3210 ', 3210],
    ['port', 65535, 65535],
    ['integer', '30000', 30000],
    ['bytes', '1024', 1024],
    ['bytes', '1KiB', 1024],
    ['bytes', '1.5m', 1.5 * 1024 * 1024],
    ['bytes', '2GB', 2 * 1024 ** 3],
    ['bytes', 2048, 2048],
    ['list', 'a, b,,c ', ['a', 'b', 'c']],
    ['list', ['x', ' y '], ['x', 'y']],
    ['list', '', []],
    ['level', 'DEBUG', 'debug'],
    ['host', '127.0.0.1', '127.0.0.1'],
    ['host', '::1', '::1'],
    ['host', '[::1]', '[::1]'],
    ['host', 'my-box.lan', 'my-box.lan'],
    ['path', '~', '/home/me'],
    ['path', '~/data', '/home/me/data'],
    ['path', 'rel/dir', '/work/rel/dir'],
    ['path', '/abs/../x', '/x'],
    ['string', ' name ', 'name'],
    ['secret', 's3cret', 's3cret'],
  ]
  it.each(accepted)('%s accepts %j', (kind, raw, value) => {
    expect(parseValue(kind, raw, ctx)).toEqual({ ok: true, value })
  })

  const refused: [OptionKind, unknown][] = [
    ['port', '-1'],
    ['port', '65536'],
    ['port', '80a'],
    ['port', '1e3'],
    ['port', ''],
    ['integer', '1.5'],
    ['bytes', '0'],
    ['bytes', '10 parsecs'],
    ['list', [1, 2]],
    ['list', 42],
    ['level', 'verbose'],
    ['host', 'http://x'],
    ['host', 'a b'],
    ['host', ''],
    ['path', ''],
    ['string', '   '],
    ['string', 5],
  ]
  it.each(refused)('%s refuses %j', (kind, raw) => {
    expect(parseValue(kind, raw, ctx).ok).toBe(false)
  })
})
