import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { decodeDeployedServerSummary, decodeParsedServerResponse, decodeParsedSnapshotOutline, decodeSnapshot } from './snapshot.codec.js'
import { clone, issuesOf } from '../test/support.js'

const response = (version: string): object => ({
  server: { name: 'io.github.stacklok/fetch', description: 'Fetches web pages', version },
  _meta: { 'io.modelcontextprotocol.registry/official': { status: 'active', publishedAt: '2025-09-30T00:17:43Z', updatedAt: '2025-09-30T00:17:43Z', isLatest: version === '1.1.0' } },
})
const snapshot = {
  schemaVersion: 1,
  registry: {
    name: 'production', namespace: 'toolhive-system', displayName: 'Production', source: { type: 'configmap', ref: 'toolhive-system/registry-data#registry.json' },
    format: 'toolhive', sourceHash: 'a'.repeat(64), syncedAt: '2026-11-25T04:00:00Z', toolhive: { version: '1.0.0', lastUpdated: '2025-09-30T00:17:43Z' },
  },
  servers: [response('1.0.0'), response('1.1.0')],
  groups: [{ name: 'web', description: 'Web tools for tests' }],
  deployedServers: [{ name: 'fetch', namespace: 'team-a', serverName: 'fetch', image: 'ghcr.io/x/fetch:1', transport: 'stdio', phase: 'Running', ready: true, endpoint: 'http://fetch.team-a.svc:8080' }],
  hash: 'b'.repeat(64),
}
type Doc = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const edit = (f: (d: Doc) => void): unknown => { const d = clone(snapshot) as Doc; f(d); return d }

const cases: ReadonlyArray<readonly [string, unknown, readonly string[]]> = [
  ['rejects another schema version', edit((d) => { d.schemaVersion = 2 }), ['schemaVersion: must be 1, got number 2']],
  ['rejects an unknown top-level key', edit((d) => { d.extra = true }), ['extra: unknown field']],
  ['rejects an unknown registry key', edit((d) => { d.registry.url = 'x' }), ['registry/url: unknown field']],
  ['rejects an unknown source type', edit((d) => { d.registry.source.type = 'svn' }), ['registry/source/type: must be one of: configmap, file, url, git, api, kubernetes; got string "svn"']],
  ['rejects an unknown format', edit((d) => { d.registry.format = 'yaml' }), ['registry/format: must be one of: toolhive, upstream; got string "yaml"']],
  ['rejects a short source hash', edit((d) => { d.registry.sourceHash = 'abc' }), ['registry/sourceHash: must match the pattern ^[a-f0-9]{64}$, got string "abc"']],
  ['rejects a non-RFC 3339 syncedAt', edit((d) => { d.registry.syncedAt = '2026-11-25 04:00' }), ['registry/syncedAt: must be an RFC 3339 date-time such as 2025-09-30T00:17:43Z']],
  ['rejects a missing hash', edit((d) => { delete d.hash }), ['hash: is required']],
  ['rejects a repeated server version', edit((d) => { d.servers[1] = clone(d.servers[0]) }), ['servers/1: duplicate of item 0 (same name@version "io.github.stacklok/fetch@1.0.0")']],
  ['rejects a repeated deployed server', edit((d) => { d.deployedServers.push(clone(d.deployedServers[0])) }), ['deployedServers/1: duplicate of item 0 (same namespace/name "team-a/fetch")']],
  ['rejects a deployed server without ready', edit((d) => { delete d.deployedServers[0].ready }), ['deployedServers/0/ready: is required']],
  ['rejects an invalid group', edit((d) => { d.groups[0].description = 'short' }), ['groups/0/description: must be at least 10 characters long']],
]
describe('RegistrySnapshotCodec', () => {
  it('decodes a snapshot to an equal value', () => {
    expect(decodeSnapshot(snapshot)).to.deep.equal(E.right(snapshot))
  })

  it('decodes a minimal snapshot (no displayName, toolhive header, groups or deployed servers)', () => {
    const doc = edit((d) => { delete d.registry.displayName; delete d.registry.toolhive; delete d.groups; d.deployedServers = []; d.servers = [] })
    expect(decodeSnapshot(doc)).to.deep.equal(E.right(doc))
  })

  for (const [title, doc, expected] of cases) {
    it(title, () => {
      const issues = issuesOf(decodeSnapshot(doc))
      expect(issues).to.deep.equal(expected)
    })
  }
})

/** Checks `doc` as a streaming reader does: each server on its own, then the outline with the servers' identities. */
function acceptedInParts(doc: unknown): boolean {
  const d = clone(doc) as Doc
  for (const key of ['servers', 'extraServers']) {
    if (!Array.isArray(d[key])) continue
    for (let i = 0; i < d[key].length; i++) {
      const one = decodeParsedServerResponse(d[key][i])
      if (E.isLeft(one)) return false
      d[key][i] = { server: { name: one.right.server.name, version: one.right.server.version } }
    }
  }
  return E.isRight(decodeParsedSnapshotOutline(d))
}

describe('SnapshotOutlineCodec with decodeParsedServerResponse', () => {
  const multiSource = edit((d) => {
    d.extraServers = [response('2.0.0')]
    d.views = [{ name: 'all', sources: ['a', 'b'] }, { name: 'b', sources: ['b'], entries: [2, 0] }]
    d.sources = [{ name: 'a', served: 1, shadowed: 0 }, { name: 'b', served: 1, shadowed: 0 }]
    d.entrySources = [0, 0, 1]
  })
  const docs: ReadonlyArray<readonly [string, unknown]> = [
    ['the valid snapshot', snapshot],
    ['a valid snapshot with views', multiSource],
    ['a view entry out of range', edit((d) => { Object.assign(d, clone(multiSource)); d.views[1].entries = [3] })],
    ['a view listing one name@version twice', edit((d) => { Object.assign(d, clone(multiSource)); d.extraServers[0] = response('1.0.0'); d.views[1].entries = [0, 2] })],
    ['entrySources of the wrong length', edit((d) => { Object.assign(d, clone(multiSource)); d.entrySources = [0, 1] })],
    ['extraServers without views', edit((d) => { d.extraServers = [response('2.0.0')] })],
    ['an invalid extra server', edit((d) => { Object.assign(d, clone(multiSource)); d.extraServers[0].server.version = 7 })],
    ['a server with an unknown _meta field', edit((d) => { d.servers[0]._meta['io.modelcontextprotocol.registry/official'].extra = 1 })],
    ['a server without a name', edit((d) => { delete d.servers[1].server.name })],
    ['a server with an empty version (the server codec allows it)', edit((d) => { d.servers[1].server.version = '' })],
    ...cases.map(([title, doc]) => [title, doc] as const),
  ]
  for (const [title, doc] of docs) {
    it(`accepts exactly what RegistrySnapshotCodec accepts: ${title}`, () => {
      expect(acceptedInParts(doc)).to.equal(E.isRight(decodeSnapshot(doc)))
    })
  }

  it('accepts the valid snapshots and rejects the others (the comparison above is not vacuous)', () => {
    expect(docs.map(([, doc]) => acceptedInParts(doc))).to.deep.equal(docs.map(([title]) => title.startsWith('a valid') || title.startsWith('the valid') || title.includes('empty version')))
  })
})

describe('DeployedServerSummaryCodec', () => {
  it('decodes a summary without phase and endpoint', () => {
    const d = { name: 'fetch', namespace: 'ns', serverName: 'io.github.stacklok/fetch', image: 'img', transport: 'sse', ready: false }
    expect(decodeDeployedServerSummary(d)).to.deep.equal(E.right(d))
  })
  it('rejects an empty name', () => {
    expect(issuesOf(decodeDeployedServerSummary({ name: '', namespace: 'ns', serverName: 's', image: 'i', transport: 't', ready: true }))).to.deep.equal(['name: must not be empty'])
  })
})
