import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import type { DecodeFailure } from './decode-failure.js'
import { kindsOf } from './mcpregistry.codec.js'
import { decodeMultiSource, defaultSourceEntry, viewsOf } from './multi-source.codec.js'

const paths = (result: E.Either<DecodeFailure, unknown>): string[] =>
  E.isRight(result) ? [] : [...new Set(result.left.issues.map((i) => i.path))].sort()
const messages = (result: E.Either<DecodeFailure, unknown>): string => (E.isRight(result) ? '' : result.left.message)

const platform = { name: 'platform', format: 'toolhive', configMapRef: { name: 'platform-registry', key: 'registry.json' } }
const upstream = { name: 'upstream-list', format: 'upstream', configMapRef: { name: 'upstream-servers', key: 'servers.json' } }

describe('MultiSourceCodec', () => {
  it("accepts ToolHive's typed-era manifest (sources with filter and syncPolicy, two views)", () => {
    const spec = {
      sources: [
        { ...platform, syncPolicy: { interval: '30m' }, filter: { names: { include: ['*'], exclude: ['*-deprecated'] }, tags: { exclude: ['experimental'] } } },
        upstream,
      ],
      registries: [{ name: 'default', sources: ['platform', 'upstream-list'] }, { name: 'platform-only', sources: ['platform'] }],
    }
    expect(paths(decodeMultiSource(spec))).to.deep.equal([])
  })

  const valid: ReadonlyArray<[string, unknown]> = [
    ['a configmap block (the single-source shape)', { sources: [{ name: 'a', configmap: { name: 'd', key: 'r.json' } }] }],
    ['remote kinds', { sources: [{ name: 'u', url: { endpoint: 'https://e/r.json' } }, { name: 'g', git: { repository: 'https://g/r.git', tag: 'v1' } }, { name: 'm', api: { endpoint: 'https://m/' } }] }],
    ['the typed-era kinds not implemented yet', { sources: [{ name: 'w', managed: {} }, { name: 'k', kubernetes: { namespaces: ['team-a'] } }] }],
    ['claims on sources and views', { sources: [{ ...platform, claims: { team: 'a', groups: ['x', 'y'] } }], registries: [{ name: 'v', sources: ['platform'], claims: { team: 'a' } }] }],
    ['20 sources', { sources: Array.from({ length: 20 }, (_, i) => ({ name: `s${i}`, configmap: { name: 'd' } })) }],
  ]
  for (const [title, spec] of valid) it(`accepts ${title}`, () => expect(paths(decodeMultiSource(spec))).to.deep.equal([]))

  const invalid: ReadonlyArray<[string, unknown, string]> = [
    ['no sources', { sources: [] }, 'SourceEntries(1 to 20, unique names)'],
    ['21 sources', { sources: Array.from({ length: 21 }, (_, i) => ({ name: `s${i}`, configmap: { name: 'd' } })) }, 'SourceEntries(1 to 20, unique names)'],
    ['duplicate source names', { sources: [platform, { ...upstream, name: 'platform' }] }, 'SourceEntries(1 to 20, unique names)'],
    ['two kind blocks', { sources: [{ ...platform, configmap: { name: 'd' } }] }, 'exactly one of configMapRef, configmap, url, git, api, managed, kubernetes'],
    ['no kind block', { sources: [{ name: 'a' }] }, 'exactly one of'],
    ['duplicate view names', { sources: [platform], registries: [{ name: 'v', sources: ['platform'] }, { name: 'v', sources: ['platform'] }] }, 'RegistryViews(1 to 20, unique names)'],
    ['21 views', { sources: [platform], registries: Array.from({ length: 21 }, (_, i) => ({ name: `v${i}`, sources: ['platform'] })) }, 'RegistryViews(1 to 20, unique names)'],
    ['a view naming an unknown source', { sources: [platform], registries: [{ name: 'v', sources: ['platform', 'nope'] }] }, 'a view names a source that spec.sources does not have'],
    ['a view naming a source twice', { sources: [platform], registries: [{ name: 'v', sources: ['platform', 'platform'] }] }, 'ViewSources'],
    ['an upper-case source name', { sources: [{ ...platform, name: 'Platform' }] }, 'SourceName'],
    ['a configMapRef without a key', { sources: [{ name: 'a', configMapRef: { name: 'd' } }] }, 'sources/0/configMapRef/key'],
    ['an unknown field in a source', { sources: [{ ...platform, interval: '1m' }] }, 'unknown field'],
  ]
  for (const [title, spec, fragment] of invalid) {
    it(`rejects ${title}`, () => {
      const result = decodeMultiSource(spec)
      expect(E.isLeft(result)).to.equal(true)
      expect(messages(result)).to.include(fragment)
    })
  }
})

describe('defaultSourceEntry and viewsOf', () => {
  it('turns spec.source into a source named default with the same block and format', () => {
    const entry = defaultSourceEntry({ type: 'configmap', format: 'upstream', configmap: { name: 'd', key: 'k' } })
    expect(entry).to.deep.equal({ name: 'default', format: 'upstream', configmap: { name: 'd', key: 'k' } })
    expect(kindsOf(entry)).to.deep.equal(['configmap'])
    expect(defaultSourceEntry({ type: 'git', git: { repository: 'https://g/r.git' } })).to.deep.equal({ name: 'default', git: { repository: 'https://g/r.git' } })
  })

  it('gives one view over all sources without registries, else the registries in order', () => {
    expect(viewsOf({ sources: [{ name: 'a' }, { name: 'b' }] })).to.deep.equal([{ name: 'default', sources: ['a', 'b'] }])
    const registries = [{ name: 'x', sources: ['b'] }, { name: 'y', sources: ['a'] }]
    expect(viewsOf({ sources: [{ name: 'a' }, { name: 'b' }], registries })).to.deep.equal(registries)
  })
})
