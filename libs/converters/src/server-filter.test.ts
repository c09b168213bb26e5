import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { filterServers, tagsOf, validateFilter, type ServerFilter } from './server-filter.js'

const server = (name: string, tags: string[] = []) => ({
  name,
  _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { 'io.github.stacklok': { [`ghcr.io/x/${name}:1`]: { tags } } } },
})
// The servers of ToolHive's envtest filter scenarios, named as ToolHive converts them.
const envtest = [
  server('io.github.stacklok/production-server', ['production', 'database']),
  server('io.github.stacklok/test-server-alpha', ['testing', 'experimental']),
  server('io.github.stacklok/test-server-beta', ['testing', 'unstable']),
  server('io.github.stacklok/dev-server', ['development']),
]
const keys = (filter: ServerFilter, servers = envtest): string[] => {
  const r = filterServers(servers, filter)
  if (E.isLeft(r)) throw r.left
  return r.right.map((s) => s.name.replace('io.github.stacklok/', ''))
}

describe('filterServers', () => {
  const cases: ReadonlyArray<[string, ServerFilter, string[]]> = [
    ['keeps everything with an empty filter', {}, ['production-server', 'test-server-alpha', 'test-server-beta', 'dev-server']],
    ['includes by ToolHive key globs', { include: ['production-*', 'dev-*'] }, ['production-server', 'dev-server']],
    ['excludes by glob', { exclude: ['test-*'] }, ['production-server', 'dev-server']],
    ['lets exclude beat include', { include: ['*-server*'], exclude: ['test-*', 'dev-*'] }, ['production-server']],
    ['treats names.* (ToolHive v1alpha1) like include/exclude', { names: { include: ['*-server*'], exclude: ['test-*', 'dev-*'] } }, ['production-server']],
    ['ORs include tags', { tags: { include: ['production', 'testing'] } }, ['production-server', 'test-server-alpha', 'test-server-beta']],
    ['excludes by any tag', { tags: { exclude: ['experimental', 'unstable'] } }, ['production-server', 'dev-server']],
    ['compares tags case-sensitively', { tags: { include: ['Production'] } }, []],
    ['matches full reverse-DNS names with io.github.*/*', { include: ['io.github.*/*'] }, ['production-server', 'test-server-alpha', 'test-server-beta', 'dev-server']],
    ['lets * cross the slash', { include: ['io.github.stacklok*alpha'] }, ['test-server-alpha']],
    ['does not match a key glob against a partial name', { include: ['stacklok/dev-server'] }, []],
    ['combines names and tags with AND', { include: ['test-*'], tags: { include: ['unstable'] } }, ['test-server-beta']],
    ['treats null lists as absent', { include: null, exclude: null, tags: { include: null } }, ['production-server', 'test-server-alpha', 'test-server-beta', 'dev-server']],
  ]
  for (const [title, filter, expected] of cases) it(title, () => expect(keys(filter)).to.deep.equal(expected))

  it('excludes servers without tags when include tags are given', () =>
    expect(keys({ tags: { include: ['x'] } }, [server('a/untagged')])).to.deep.equal([]))

  it('filters ServerResponse items by their server', () => {
    const r = filterServers(envtest.map((s) => ({ server: s, _meta: {} })), { include: ['dev-*'] })
    expect(E.isRight(r) && r.right.map((x) => x.server.name)).to.deep.equal(['io.github.stacklok/dev-server'])
  })

  it('returns every invalid glob as one typed error', () => {
    const r = validateFilter({ include: ['ok', '['], names: { exclude: ['a\\'] } })
    expect(E.isLeft(r) && { code: r.left.code, message: r.left.message, paths: r.left.problems.map((p) => p.path) }).to.deep.equal({
      code: 'InvalidFilter',
      message: 'Invalid filter: include[1]: Invalid glob "[" at position 0: unclosed character class; names.exclude[0]: Invalid glob "a\\\\" at position 1: trailing escape character',
      paths: ['include[1]', 'names.exclude[0]'],
    })
  })

  it('reads tags from every ToolHive extension block', () => {
    const s = { name: 'a/b', _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { 'io.github.stacklok': { x: { tags: ['t1'] }, y: { tags: ['t2', 't1', 3] } }, other: { z: { tags: ['no'] } } } } }
    expect(tagsOf(s)).to.deep.equal(['t1', 't2'])
  })

  describe('properties', () => {
    const word = fc.constantFrom('a', 'b', 'ab', 'io', 'x-y')
    const name = fc.tuple(word, word).map(([ns, n]) => `${ns}/${n}`)
    const tag = fc.constantFrom('t1', 't2', 'T1', 't3')
    const servers = fc.uniqueArray(fc.tuple(name, fc.array(tag, { maxLength: 3 })).map(([n, t]) => server(n, t)), { selector: (s) => s.name, maxLength: 12 })
    const glob = fc.constantFrom('*', 'a*', '*b', '?', 'a/*', '*/ab', 'io*', '[ab]*', 'x-y', '*/[!a]*')
    const globs = fc.array(glob, { maxLength: 3 })
    const tags = fc.array(tag, { maxLength: 3 })
    const filter = fc.record({ include: globs, exclude: globs, tags: fc.record({ include: tags, exclude: tags }) })
    const run = (ss: ReturnType<typeof server>[], f: ServerFilter) => {
      const r = filterServers(ss, f)
      if (E.isLeft(r)) throw r.left
      return r.right
    }

    it('is monotone: adding an exclude glob or tag never returns more', () => {
      fc.assert(fc.property(servers, filter, glob, tag, (ss, f, g, t) => {
        const base = run(ss, f)
        const narrower1 = run(ss, { ...f, exclude: [...f.exclude, g] })
        const narrower2 = run(ss, { ...f, tags: { ...f.tags, exclude: [...f.tags.exclude, t] } })
        for (const narrower of [narrower1, narrower2]) {
          expect(narrower.length).to.be.at.most(base.length)
          expect(narrower.every((s) => base.includes(s))).to.equal(true)
        }
      }))
    })

    it('is monotone: removing an include glob from a non-empty list never returns more', () => {
      fc.assert(fc.property(servers, filter, glob, (ss, f, g) => {
        const wider = run(ss, { ...f, include: [...f.include, g] })
        const narrower = run(ss, f.include.length === 0 ? { ...f, include: [g] } : f)
        expect(narrower.every((s) => wider.includes(s))).to.equal(true)
      }))
    })

    it('keeps order and only returns input servers, and is idempotent', () => {
      fc.assert(fc.property(servers, filter, (ss, f) => {
        const once = run(ss, f)
        expect(run(once, f)).to.deep.equal(once)
        expect(ss.filter((s) => once.includes(s))).to.deep.equal(once)
      }))
    })

    it('never keeps a server whose name or key matches an exclude glob', () => {
      fc.assert(fc.property(servers, filter, (ss, f) => {
        const excluded = run(ss, { include: f.exclude })
        const kept = run(ss, f)
        if (f.exclude.length > 0) expect(kept.filter((s) => excluded.includes(s))).to.deep.equal([])
      }))
    })
  })
})
