import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { validateFilter, type CompiledFilter, type ServerFilter } from './server-filter.js'
import { describeShadowing, mergeSources, mergeView, type SourceServers } from './source-merge.js'

interface Entry { readonly server: { readonly name: string; readonly version: string; readonly _meta?: unknown } }
const entry = (name: string, version = '1.0.0', tags: string[] = []): Entry => ({
  server: {
    name, version,
    _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { 'io.github.stacklok': { [`ghcr.io/x/${name}:1`]: { tags } } } },
  },
})
const compiled = (filter: ServerFilter = {}): CompiledFilter => {
  const f = validateFilter(filter)
  if (E.isLeft(f)) throw f.left
  return f.right
}
const ids = (servers: ReadonlyArray<Entry>) => servers.map((s) => `${s.server.name}@${s.server.version}`)

describe('mergeSources', () => {
  const platform: SourceServers<Entry> = { source: 'platform', servers: [entry('fetch', '1.0.0'), entry('fetch', '2.0.0'), entry('git')] }
  const upstream: SourceServers<Entry> = { source: 'upstream-list', servers: [entry('time'), entry('fetch', '3.0.0'), entry('git', '9.9.9')] }

  it('serves the first source of a name with all its versions and shadows every later copy', () => {
    const merged = mergeSources([platform, upstream], compiled())
    expect(ids(merged.servers)).to.deep.equal(['fetch@1.0.0', 'fetch@2.0.0', 'git@1.0.0', 'time@1.0.0'])
    expect(merged.shadowed).to.deep.equal([
      { name: 'fetch', source: 'upstream-list', winner: 'platform' },
      { name: 'git', source: 'upstream-list', winner: 'platform' },
    ])
    expect(Object.fromEntries(merged.servedBySource)).to.deep.equal({ platform: 2, 'upstream-list': 1 })
    expect(Object.fromEntries(merged.shadowedBySource)).to.deep.equal({ platform: 0, 'upstream-list': 2 })
  })

  it('lets the source order alone decide the winner', () => {
    const merged = mergeSources([upstream, platform], compiled())
    expect(ids(merged.servers)).to.deep.equal(['time@1.0.0', 'fetch@3.0.0', 'git@9.9.9'])
    expect(Object.fromEntries(merged.shadowedBySource)).to.deep.equal({ 'upstream-list': 0, platform: 2 })
  })

  it('applies the global filter to the merge after shadowing (a filtered winner still hides later copies)', () => {
    const merged = mergeSources([platform, upstream], compiled({ exclude: ['fetch'] }))
    expect(ids(merged.servers)).to.deep.equal(['git@1.0.0', 'time@1.0.0'])
    expect(merged.shadowed.map((s) => s.name)).to.deep.equal(['fetch', 'git'])
    expect(Object.fromEntries(merged.servedBySource)).to.deep.equal({ platform: 1, 'upstream-list': 1 })
  })

  it('filters by tags across sources', () => {
    const merged = mergeSources(
      [{ source: 'a', servers: [entry('x', '1', ['prod'])] }, { source: 'b', servers: [entry('y', '1', ['experimental'])] }],
      compiled({ tags: { exclude: ['experimental'] } }),
    )
    expect(ids(merged.servers)).to.deep.equal(['x@1'])
  })

  it('gives an empty merge for no sources', () => {
    const merged = mergeSources<Entry>([], compiled())
    expect(merged.servers).to.deep.equal([])
    expect(merged.shadowed).to.deep.equal([])
  })

  it('never serves two sources for one name and never loses a name (property)', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e')
    const source = fc.array(fc.tuple(name, fc.constantFrom('1', '2', '3')), { maxLength: 8 })
    fc.assert(fc.property(fc.array(source, { minLength: 1, maxLength: 4 }), (raw) => {
      const sources = raw.map((entries, i) => ({
        source: `s${i}`,
        servers: [...new Map(entries.map(([n, v]) => [`${n}@${v}`, entry(n, v)])).values()],
      }))
      const merged = mergeSources(sources, compiled())
      const from = new Map<string, string>()
      for (const s of sources) for (const e of s.servers) if (!from.has(e.server.name)) from.set(e.server.name, s.source)
      const servedNames = new Set(merged.servers.map((e) => e.server.name))
      expect([...servedNames].sort()).to.deep.equal([...from.keys()].sort())
      for (const e of merged.servers) {
        const owner = sources.find((s) => s.source === from.get(e.server.name))
        expect(owner?.servers).to.include(e)
      }
      const total = [...merged.servedBySource.values()].reduce((a, b) => a + b, 0)
      expect(total).to.equal(servedNames.size)
    }))
  })
})

describe('mergeView', () => {
  const bySource = new Map<string, ReadonlyArray<Entry>>([
    ['platform', [entry('fetch'), entry('git')]],
    ['upstream-list', [entry('fetch', '3.0.0'), entry('time')]],
  ])

  it('merges only the sources the view names, in the view order', () => {
    expect(ids(mergeView(bySource, ['platform'], compiled()).servers)).to.deep.equal(['fetch@1.0.0', 'git@1.0.0'])
    expect(ids(mergeView(bySource, ['upstream-list', 'platform'], compiled()).servers)).to.deep.equal(['fetch@3.0.0', 'time@1.0.0', 'git@1.0.0'])
  })

  it('skips a source that never synced (it contributes nothing)', () => {
    const merged = mergeView(bySource, ['never-synced', 'upstream-list'], compiled())
    expect(ids(merged.servers)).to.deep.equal(['fetch@3.0.0', 'time@1.0.0'])
    expect([...merged.servedBySource.keys()]).to.deep.equal(['upstream-list'])
  })
})

describe('describeShadowing', () => {
  const shadow = (name: string) => ({ name, source: 'b', winner: 'a' })

  it('is empty when nothing is shadowed', () => expect(describeShadowing([])).to.equal(''))

  it('names one shadowed server with both sources', () =>
    expect(describeShadowing([shadow('fetch')])).to.equal('1 server shadowed: fetch (b, served from a)'))

  it('names at most five and counts the rest', () => {
    const message = describeShadowing(['s1', 's2', 's3', 's4', 's5', 's6', 's7'].map(shadow))
    expect(message).to.equal('7 servers shadowed: s1 (b, served from a), s2 (b, served from a), s3 (b, served from a), '
      + 's4 (b, served from a), s5 (b, served from a) and 2 more')
  })
})
