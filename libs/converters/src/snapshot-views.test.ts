import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { decodeToolHiveRegistry, type RegistrySnapshot } from '@thv/registry-model'
import { readFixture, ToolHiveUpstreamFile } from '../test/fixtures.js'
import { buildSnapshot } from './snapshot-builder.js'
import { ToolHiveEntryStream, toolHiveTail, toToolHiveView, toUpstreamServerList, ToolHiveRegistrySchemaUrl } from './snapshot-views.js'

type Json = Record<string, unknown>
const fetch = (readFixture(ToolHiveUpstreamFile) as { data: { servers: Json[] } }).data.servers.find((s) => s['name'] === 'io.github.stacklok/fetch') as Json
const snapshotOf = (servers: unknown[]): RegistrySnapshot => {
  const r = buildSnapshot({ raw: JSON.stringify(servers), registry: { name: 'r', namespace: 'n', source: { type: 'file', ref: 'f' } }, now: new Date('2026-01-02T03:04:05Z') })
  if (E.isLeft(r)) throw r.left
  return r.right
}

describe('toToolHiveView', () => {
  it('keys clashing names by their whole name and keeps only the latest version', () => {
    const s = snapshotOf([
      { ...fetch, name: 'io.github.a/fetch' },
      { ...fetch, name: 'io.github.b/fetch' },
      { ...fetch, name: 'io.github.b/fetch', version: '0.9.0' },
      { ...fetch, name: 'io.github.c/My_Fetch' },
    ])
    const view = toToolHiveView(s)
    expect(Object.keys(view.document.servers)).to.deep.equal(['fetch', 'io-github-b-fetch', 'my-fetch'])
    expect([...view.keys]).to.deep.equal([['io.github.a/fetch', 'fetch'], ['io.github.b/fetch', 'io-github-b-fetch'], ['io.github.c/My_Fetch', 'my-fetch']])
    expect(view.omitted).to.deep.equal([])
  })

  it('writes a valid ToolHive document dated by the newest update when the source was not ToolHive', () => {
    const doc = toToolHiveView(snapshotOf([fetch])).document
    expect({ ...doc, servers: Object.keys(doc.servers) }).to.deep.equal({
      $schema: ToolHiveRegistrySchemaUrl, version: '1.0.0', last_updated: '2026-01-02T03:04:05.000Z', servers: ['fetch'], remote_servers: {},
    })
    expect(decodeToolHiveRegistry(doc)).to.satisfy(E.isRight)
  })

  it('makes a remote entry from the first remote and leaves out fields ToolHive does not know', () => {
    const remote = {
      name: 'io.github.x/remote', description: 'A remote server', version: '1.0.0',
      remotes: [{ type: 'streamable-http', url: 'https://x.example/mcp', headers: [{ name: 'X-Key', isSecret: true }] }, { type: 'sse', url: 'https://x.example/sse' }],
      _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { 'io.github.stacklok': { 'https://x.example/mcp': { tier: 'Official', tools: ['t'], overview: 'newer field' } } } },
    }
    const doc = toToolHiveView(snapshotOf([remote])).document
    expect(doc.remote_servers).to.deep.equal({
      remote: {
        description: 'A remote server', url: 'https://x.example/mcp', transport: 'streamable-http',
        headers: [{ name: 'X-Key', secret: true, required: false, description: 'X-Key' }], tier: 'Official', tools: ['t'], status: 'Active',
      },
    })
  })

  it('lists every version in the upstream list', () => {
    const s = snapshotOf([fetch, { ...fetch, version: '2.0.0' }])
    const list = toUpstreamServerList(s)
    expect(list.metadata).to.deep.equal({ count: 2 })
    expect(list.servers.map((x) => [x.server.version, x._meta['io.modelcontextprotocol.registry/official'].isLatest])).to.deep.equal([['1.0.0', false], ['2.0.0', true]])
  })
})

describe('ToolHiveEntryStream', () => {
  it('renders servers one at a time: latest versions only, clashing keys by whole name, head dated by the newest update', () => {
    const s = snapshotOf([
      { ...fetch, name: 'io.github.a/fetch' },
      { ...fetch, name: 'io.github.b/fetch' },
      { ...fetch, name: 'io.github.b/fetch', version: '0.9.0' },
      { name: 'io.github.n/npm-only', description: 'Only an npm package', version: '1.0.0', packages: [{ registryType: 'npm', identifier: 'x', version: '1.0.0', transport: { type: 'stdio' } }] },
    ])
    // The older version was updated last: last_updated counts every version, not only the rendered ones.
    const servers = s.servers.map((r) => r.server.version === '0.9.0'
      ? { ...r, _meta: { ...r._meta, 'io.modelcontextprotocol.registry/official': { ...r._meta['io.modelcontextprotocol.registry/official'], updatedAt: '2026-03-01T00:00:00Z' } } }
      : r)
    const omitted: string[] = []
    const stream = new ToolHiveEntryStream((o) => omitted.push(o.name))
    const rendered = servers.map((r) => stream.add(r)).map((e) => (e === undefined ? undefined : [e.kind, e.key, e.name]))
    expect(rendered).to.deep.equal([['image', 'fetch', 'io.github.a/fetch'], undefined, ['image', 'io-github-b-fetch', 'io.github.b/fetch'], undefined])
    expect(omitted).to.deep.equal(['io.github.n/npm-only'])
    expect(stream.head(s.registry)).to.deep.equal({ $schema: ToolHiveRegistrySchemaUrl, version: '1.0.0', last_updated: '2026-03-01T00:00:00Z' })
    expect(new ToolHiveEntryStream().head(s.registry).last_updated).to.equal(s.registry.syncedAt)
    expect(toolHiveTail(s)).to.deep.equal({})
    expect(toolHiveTail({ groups: [{ name: 'g', description: 'A group of servers' }] })).to.deep.equal({ groups: [{ name: 'g', description: 'A group of servers' }] })
  })
})
