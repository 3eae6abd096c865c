import { describe, expect, it } from 'vitest'
import { createHostPolicy, createOriginPolicy, hostnameOf, isLoopbackName } from './host-origin.js'

describe('hostnameOf', () => {
  it.each([
    ['localhost:3210', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]:3210', '::1'],
    ['[::1]', '::1'],
    ['studio.lan', 'studio.lan'],
  ])('%s → %s', (header, name) => expect(hostnameOf(header)).toBe(name))

  it.each(['', 'a:b:c', '[::1', '[::1]x', 'host:port', 'host:123456', 'a b.localhost', '<x>.localhost:1', 'x@localhost', '[::1 ]', '[evil.example]'])('refuses malformed %j', (header) => {
    expect(hostnameOf(header)).toBeNull()
  })
})

describe('isLoopbackName', () => {
  it.each(['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1'])('%s is loopback', (n) => expect(isLoopbackName(n)).toBe(true))
  it.each(['localhost.evil.com', '128.0.0.1', '0.0.0.0', '::', 'example.com', '127.0.0.1.nip.io'])('%s is not', (n) =>
    expect(isLoopbackName(n)).toBe(false),
  )
})

describe('host policy', () => {
  const policy = createHostPolicy({ bindHost: '127.0.0.1', allowedHosts: ['Studio.LAN', '.corp.example', 'box:8080'] })
  it.each(['localhost:3210', '[::1]:1', 'studio.lan', 'studio.lan:443', 'corp.example', 'x.corp.example', 'box'])('allows %s', (h) =>
    expect(policy(h)).toBe(true),
  )
  it.each([undefined, '', 'evil.example', 'corp.example.evil', 'xcorp.example', 'studio.lan.evil.example'])('refuses %j', (h) =>
    expect(policy(h)).toBe(false),
  )

  it('allows the specific address Studio is bound to, but not a wildcard bind', () => {
    expect(createHostPolicy({ bindHost: '192.168.1.5', allowedHosts: [] })('192.168.1.5:3210')).toBe(true)
    expect(createHostPolicy({ bindHost: '0.0.0.0', allowedHosts: [] })('0.0.0.0:3210')).toBe(false)
    expect(createHostPolicy({ bindHost: '0.0.0.0', allowedHosts: [] })('192.168.1.5')).toBe(false)
  })
})

describe('origin policy: state-changing requests', () => {
  it.each([
    ['http://127.0.0.1:3210', '127.0.0.1:3210', []],
    ['http://localhost:3210', 'localhost:3210', []],
    ['http://studio.lan', 'studio.lan', []],
    ['https://studio.lan', 'studio.lan', ['https://studio.lan']],
    ['http://localhost', 'localhost:80', []],
    ['http://localhost:5173', '127.0.0.1:3210', ['http://localhost:5173/']],
    ['HTTP://LOCALHOST:5173', '127.0.0.1:3210', ['http://localhost:5173']],
  ])('allows %s for Host %s', (origin, host, allowed) => expect(createOriginPolicy(allowed).mayChangeState(origin, host)).toBe(true))

  it.each([
    ['http://evil.example', '127.0.0.1:3210'],
    ['http://127.0.0.1:3211', '127.0.0.1:3210'],
    ['http://localhost:3210', '127.0.0.1:3210'],
    ['null', '127.0.0.1:3210'],
    ['file://', '127.0.0.1:3210'],
    ['not a url', '127.0.0.1:3210'],
    ['chrome-extension://abc', 'abc'],
    // Studio serves http: an https origin with the same host and port is another origin
    ['https://127.0.0.1:3210', '127.0.0.1:3210'],
    ['https://studio.lan', 'studio.lan'],
  ])('refuses %s for Host %s', (origin, host) => expect(createOriginPolicy([]).mayChangeState(origin, host)).toBe(false))

  it.each(['a b.localhost:3210', '<x>.localhost', 'x@y:1'])('refuses rather than throws for a Host URL parsing rejects: %j', (host) => {
    expect(createOriginPolicy([]).mayChangeState('http://x.localhost:3210', host)).toBe(false)
  })
})
