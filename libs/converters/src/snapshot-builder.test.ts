import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { decodeSnapshot, type RegistrySnapshot } from '@thv/registry-model'
import { LegacySeedFile, readFixture, readFixtureBytes, ToolHiveFile, ToolHiveUpstreamFile } from '../test/fixtures.js'
import { canonicalJson } from './canonical-json.js'
import { sha256Hex } from './sha256.js'
import { buildSnapshot, buildSnapshotDetailed, computeSnapshotHash, type BuildSnapshotInput } from './snapshot-builder.js'
import type { SnapshotError } from './snapshot-error.js'
import { toToolHiveRegistry, toToolHiveView, toUpstreamServerList, toUpstreamServers } from './snapshot-views.js'

type Json = Record<string, unknown>
const NOW = new Date('2026-11-25T05:00:00.000Z')
const registry = { name: 'prod', namespace: 'toolhive-system', source: { type: 'configmap' as const, ref: 'toolhive-system/registry-data#registry.json' } }
const input = (raw: string | Uint8Array, extra: Partial<BuildSnapshotInput> = {}): BuildSnapshotInput => ({ raw, registry, now: NOW, ...extra })

const ok = (r: E.Either<SnapshotError, RegistrySnapshot>): RegistrySnapshot => {
  if (E.isLeft(r)) throw r.left
  return r.right
}
const fail = (r: E.Either<SnapshotError, RegistrySnapshot>): SnapshotError => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left
}

const toolhiveDoc = readFixture(ToolHiveFile) as Json & { servers: Record<string, Json>; remote_servers: Record<string, Json> }
const wrapper = readFixture(ToolHiveUpstreamFile) as { data: { servers: Json[] }; meta: { last_updated: string } }

describe('buildSnapshot', () => {
  describe('on the ToolHive fixture', () => {
    const snapshot = ok(buildSnapshot(input(readFixtureBytes(ToolHiveFile))))

    it('round-trips to a document deep-equal to the fixture', () => {
      expect(toToolHiveRegistry(snapshot)).to.deep.equal(toolhiveDoc)
    })

    it('holds all 86 servers as upstream server.json, sorted by name', () => {
      const names = snapshot.servers.map((s) => s.server.name)
      expect(names.length).to.equal(86)
      expect(names).to.deep.equal([...Object.keys(toolhiveDoc.servers), ...Object.keys(toolhiveDoc.remote_servers)].map((k) => `io.github.stacklok/${k}`).sort())
    })

    it('carries registry metadata and the ToolHive header', () => {
      expect(snapshot.registry).to.deep.equal({
        ...registry, format: 'toolhive', sourceHash: sha256Hex(readFixtureBytes(ToolHiveFile)), syncedAt: '2026-11-25T05:00:00.000Z',
        toolhive: { version: '1.0.0', lastUpdated: '2025-09-30T00:17:43Z' },
      })
      expect(snapshot.schemaVersion).to.equal(1)
      expect(snapshot.deployedServers).to.deep.equal([])
    })

    it('places ToolHive-only fields in the io.github.stacklok extension keyed by image', () => {
      const fetch = snapshot.servers.find((s) => s.server.name === 'io.github.stacklok/fetch')
      expect(fetch).to.deep.equal({
        server: {
          $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
          name: 'io.github.stacklok/fetch',
          description: 'Allows you to fetch content from the web',
          repository: { url: 'https://github.com/stackloklabs/gofetch', source: 'github' },
          version: '1.0.0',
          packages: [{ registryType: 'oci', identifier: 'ghcr.io/stackloklabs/gofetch/server:0.0.6', transport: { type: 'streamable-http', url: 'http://localhost' } }],
          _meta: {
            'io.modelcontextprotocol.registry/publisher-provided': {
              'io.github.stacklok': {
                'ghcr.io/stackloklabs/gofetch/server:0.0.6': {
                  tier: 'Community', status: 'Active', tools: ['fetch'],
                  metadata: { stars: 18, pulls: 12390, last_updated: '2025-09-22T02:32:00Z' },
                  tags: ['content', 'html', 'markdown', 'fetch', 'fetching', 'get', 'wget', 'json', 'curl', 'modelcontextprotocol'],
                  permissions: { network: { outbound: { insecure_allow_all: true, allow_port: [443] } } },
                  provenance: {
                    sigstore_url: 'tuf-repo-cdn.sigstore.dev', repository_uri: 'https://github.com/StacklokLabs/gofetch',
                    signer_identity: '/.github/workflows/release.yml', runner_environment: 'github-hosted',
                    cert_issuer: 'https://token.actions.githubusercontent.com',
                  },
                },
              },
            },
          },
        },
        _meta: { 'io.modelcontextprotocol.registry/official': { status: 'active', publishedAt: '2025-09-30T00:17:43Z', updatedAt: '2025-09-30T00:17:43Z', isLatest: true } },
      })
    })

    it('keys remote servers by URL and keeps headers-free remotes, oauth_config in the extension', () => {
      const gh = snapshot.servers.find((s) => s.server.name === 'io.github.stacklok/github-remote')?.server as Json
      const entry = toolhiveDoc.remote_servers['github-remote'] as Json
      expect(gh['remotes']).to.deep.equal([{ type: entry['transport'], url: entry['url'] }])
      const ext = (gh['_meta'] as Json)['io.modelcontextprotocol.registry/publisher-provided'] as Record<string, Record<string, Json>>
      expect(Object.keys(ext['io.github.stacklok'] ?? {})).to.deep.equal([entry['url']])
      expect(ext['io.github.stacklok']?.[entry['url'] as string]?.['oauth_config']).to.deep.equal(entry['oauth_config'])
    })

    it('marks ToolHive Deprecated entries deprecated and still round-trips them', () => {
      const doc = { ...toolhiveDoc, servers: { ...toolhiveDoc.servers, fetch: { ...toolhiveDoc.servers['fetch'], status: 'Deprecated' } } }
      const s = ok(buildSnapshot(input(JSON.stringify(doc))))
      expect(s.servers.find((x) => x.server.name === 'io.github.stacklok/fetch')?._meta['io.modelcontextprotocol.registry/official'].status).to.equal('deprecated')
      expect(s.servers.filter((x) => x._meta['io.modelcontextprotocol.registry/official'].status !== 'active').length).to.equal(1)
      expect(toToolHiveRegistry(s)).to.deep.equal(doc)
    })

    it('is idempotent: converting the ToolHive view again gives the same servers', () => {
      const again = ok(buildSnapshot(input(JSON.stringify(toToolHiveRegistry(snapshot)))))
      expect(again.servers).to.deep.equal(snapshot.servers)
      expect(toToolHiveRegistry(again)).to.deep.equal(toToolHiveRegistry(snapshot))
    })
  })

  describe('on upstream fixtures', () => {
    const wrapperSnapshot = ok(buildSnapshot(input(readFixtureBytes(ToolHiveUpstreamFile))))

    it('round-trips ToolHive\'s upstream wrapper to its servers', () => {
      expect(toUpstreamServers(wrapperSnapshot)).to.deep.equal(wrapper.data.servers)
      expect(wrapperSnapshot.registry.format).to.equal('upstream')
    })

    it('dates wrapper servers by the wrapper\'s meta.last_updated', () => {
      expect(wrapperSnapshot.servers.map((s) => s._meta['io.modelcontextprotocol.registry/official'])).to.deep.equal(
        wrapper.data.servers.map(() => ({ status: 'active', publishedAt: wrapper.meta.last_updated, updatedAt: wrapper.meta.last_updated, isLatest: true })))
    })

    it('round-trips a plain server.json array', () => {
      const s = ok(buildSnapshot(input(JSON.stringify([...wrapper.data.servers].reverse()))))
      expect(toUpstreamServers(s)).to.deep.equal(wrapper.data.servers)
    })

    it('round-trips an API list envelope including its _meta', () => {
      const list = toUpstreamServerList(wrapperSnapshot)
      const withExtra = { ...list, servers: list.servers.map((s) => ({ ...s, _meta: { ...s._meta, 'com.example/mirror': { seen: true } } })) }
      const again = ok(buildSnapshot(input(JSON.stringify(withExtra), { declaredFormat: 'upstream' })))
      expect(toUpstreamServerList(again)).to.deep.equal(withExtra)
    })

    it('converts upstream servers to ToolHive entries through their extension', () => {
      const doc = toToolHiveRegistry(wrapperSnapshot)
      expect(Object.keys(doc.servers)).to.deep.equal(wrapper.data.servers.map((s) => String(s['name']).split('/')[1]))
      expect(doc.servers['fetch']).to.deep.equal({
        description: 'Allows you to fetch content from the web',
        repository_url: 'https://github.com/stackloklabs/gofetch',
        image: 'ghcr.io/stackloklabs/gofetch/server:1.0.1',
        transport: 'streamable-http',
        target_port: 8080,
        metadata: { last_updated: '2025-11-13T02:33:35Z', pulls: 12390, stars: 20 },
        permissions: { network: { outbound: { insecure_allow_all: true, allow_port: [443] } } },
        provenance: {
          sigstore_url: 'tuf-repo-cdn.sigstore.dev', repository_uri: 'https://github.com/StacklokLabs/gofetch',
          signer_identity: '/.github/workflows/release.yml', runner_environment: 'github-hosted', cert_issuer: 'https://token.actions.githubusercontent.com',
        },
        status: 'Active',
        tags: ['content', 'html', 'markdown', 'fetch', 'fetching', 'get', 'wget', 'json', 'curl', 'modelcontextprotocol'],
        tier: 'Community',
        tools: ['fetch'],
      })
    })

    it('is idempotent: upstream -> ToolHive -> upstream -> ToolHive equals upstream -> ToolHive', () => {
      const once = toToolHiveRegistry(wrapperSnapshot)
      const twice = toToolHiveRegistry(ok(buildSnapshot(input(JSON.stringify(once)))))
      expect(twice.servers).to.deep.equal(once.servers)
    })

    it('keeps every version, all remotes and npm packages, and computes isLatest', () => {
      const base = { description: 'A server', $schema: 'https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json' }
      const servers = [
        { ...base, name: 'io.github.x/multi', version: '2.0.0', remotes: [{ type: 'sse', url: 'https://a.example/sse' }, { type: 'streamable-http', url: 'https://b.example/mcp' }] },
        { ...base, name: 'io.github.x/multi', version: '10.0.0-rc.1', packages: [{ registryType: 'npm', identifier: '@x/multi', version: '10.0.0-rc.1', transport: { type: 'stdio' } }] },
        { ...base, name: 'io.github.x/multi', version: '1.5.0' },
      ]
      const s = ok(buildSnapshot(input(JSON.stringify(servers))))
      expect(s.servers.map((r) => [r.server.version, r.server, r._meta['io.modelcontextprotocol.registry/official'].isLatest])).to.deep.equal([
        ['1.5.0', servers[2], false], ['10.0.0-rc.1', servers[1], true], ['2.0.0', servers[0], false],
      ])
      const view = toToolHiveView(s)
      expect(view.document.servers).to.deep.equal({})
      expect(view.omitted).to.deep.equal([{ name: 'io.github.x/multi', version: '10.0.0-rc.1', reason: 'no OCI package and no remote (packages: npm)' }])
    })
  })

  describe('round-trip properties', () => {
    it('ToolHive -> snapshot -> ToolHive is the identity on any subset of the fixture, with or without groups', () => {
      const keys = fc.subarray(Object.keys(toolhiveDoc.servers))
      const remoteKeys = fc.subarray(Object.keys(toolhiveDoc.remote_servers))
      fc.assert(fc.property(keys, remoteKeys, fc.boolean(), (ks, rks, withGroups) => {
        const pick = (m: Record<string, Json>, sel: string[]) => Object.fromEntries(sel.map((k) => [k, m[k]]))
        const doc: Json = { ...toolhiveDoc, servers: pick(toolhiveDoc.servers, ks), remote_servers: pick(toolhiveDoc.remote_servers, rks) }
        if (withGroups && ks.length > 0) {
          doc['groups'] = [{ name: 'core-tools', description: 'The servers every team uses', servers: pick(toolhiveDoc.servers, ks.slice(0, 2)), remote_servers: {} }]
        }
        expect(toToolHiveRegistry(ok(buildSnapshot(input(JSON.stringify(doc)))))).to.deep.equal(doc)
      }), { numRuns: 25 })
    })

    it('upstream -> snapshot -> upstream keeps every server version, sorted by name then version', () => {
      const version = fc.constantFrom('1.0.0', '1.0.1', '2.0.0-rc.1', 'v3', '2025.01.01')
      const entries = fc.uniqueArray(fc.tuple(fc.constantFrom(...wrapper.data.servers), version), { selector: ([s, v]) => `${String(s['name'])}@${v}`, maxLength: 30 })
      fc.assert(fc.property(entries, (es) => {
        const servers = es.map(([s, v]) => ({ ...s, name: String(s['name']), version: v as string }))
        const sorted = [...servers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0))
        const snapshot = ok(buildSnapshot(input(JSON.stringify(servers))))
        expect(toUpstreamServers(snapshot)).to.deep.equal(sorted)
        const latest = snapshot.servers.filter((x) => x._meta['io.modelcontextprotocol.registry/official'].isLatest).map((x) => x.server.name)
        expect(latest).to.deep.equal([...new Set(sorted.map((x) => x.name))])
      }), { numRuns: 40 })
    })
  })

  describe('on the legacy seed', () => {
    const built = buildSnapshotDetailed(input(readFixtureBytes(LegacySeedFile)))
    const b = E.isRight(built) ? built.right : undefined

    it('imports every entry with a name and reports each dropped field', () => {
      expect(b?.documentFormat).to.equal('legacy')
      expect(b?.sourceServerCount).to.equal(464)
      expect(b?.snapshot.servers.length).to.equal(464)
      expect(b?.legacyReport?.filter((r) => r.outcome === 'skipped').map((r) => [r.index, r.notes])).to.have.length(7)
      const azure = b?.legacyReport?.find((r) => r.name === 'io.github.azure/azure-mcp')
      expect(azure?.notes).to.deep.equal(['packages/0: registry_name "unknown" has no upstream registryType; package dropped'])
    })

    it('uses release_date as publishedAt', () => {
      const s = b?.snapshot.servers.find((r) => r.server.name === 'io.github.azure/azure-mcp')
      expect(s?._meta['io.modelcontextprotocol.registry/official']).to.deep.equal({ status: 'active', publishedAt: '2025-05-16T18:57:35Z', updatedAt: '2025-05-16T18:57:35Z', isLatest: true })
    })
  })

  describe('errors', () => {
    const cases: ReadonlyArray<[string, BuildSnapshotInput, Partial<SnapshotError>, string]> = [
      ['reports the byte offset of invalid JSON', input('{"servers": {}, }'), { code: 'InvalidJson', byteOffset: 16 }, 'Invalid JSON at byte 16 (line 1, column 17): expected a property name in double quotes'],
      ['rejects an unknown shape', input('{"items": []}'), { code: 'UnknownFormat' }, 'Registry data is in no supported format: expected "servers" (an object for ToolHive, an array for the upstream API list) or "data.servers"; found keys "items"'],
      ['rejects data not in the declared format', input(JSON.stringify(toolhiveDoc), { declaredFormat: 'upstream' }), { code: 'FormatMismatch' }, 'Registry data is declared as upstream but is in ToolHive registry format'],
      ['rejects upstream data declared as ToolHive', input('[]', { declaredFormat: 'toolhive' }), { code: 'FormatMismatch' }, 'Registry data is declared as toolhive but is in upstream server.json array format'],
      ['names the invalid field', input(JSON.stringify({ ...toolhiveDoc, servers: { ...toolhiveDoc.servers, fetch: { ...toolhiveDoc.servers['fetch'], tier: 'Gold' } } })), { code: 'InvalidData' }, ''],
      ['rejects two entries with the same name and version', input(JSON.stringify({ version: '1.0.0', last_updated: '2025-01-01T00:00:00Z', servers: {
        aaa: { ...toolhiveDoc.servers['fetch'], name: 'io.github.x/same' }, bbb: { ...toolhiveDoc.servers['fetch'], name: 'io.github.x/same' } } })),
      { code: 'DuplicateServer', server: 'io.github.x/same@1.0.0' }, 'Server io.github.x/same version 1.0.0 appears twice (servers/aaa and servers/bbb)'],
      ['rejects an invalid filter glob', input(JSON.stringify(toolhiveDoc), { filter: { include: ['['] } }), { code: 'InvalidFilter' }, 'Invalid filter: include[0]: Invalid glob "[" at position 0: unclosed character class'],
      ['rejects an invalid registry name', input('[]', { registry: { ...registry, name: '' } }), { code: 'InvalidData' }, ''],
    ]
    for (const [title, inp, fields, message] of cases) {
      it(title, () => {
        const err = fail(buildSnapshot(inp))
        expect(err).to.include(fields)
        if (message !== '') expect(err.message).to.equal(message)
      })
    }

    it('lists every invalid path of a ToolHive document', () => {
      const bad = { ...toolhiveDoc, servers: { ...toolhiveDoc.servers, fetch: { ...toolhiveDoc.servers['fetch'], tier: 'Gold', extra: 1 } } }
      const err = fail(buildSnapshot(input(JSON.stringify(bad))))
      expect(err.message).to.equal('Invalid ToolHiveRegistry: servers/fetch/tier: must be one of: Official, Community; got string "Gold"; servers/fetch/extra: unknown field')
      expect(err.reason).to.equal('InvalidData')
    })

    it('never throws on arbitrary JSON or bytes', () => {
      fc.assert(fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v) ?? ''), fc.string(), fc.uint8Array().map((b) => b as Uint8Array | string)), (raw) => {
        const r = buildSnapshot(input(raw))
        expect(E.isLeft(r) || r.right.schemaVersion === 1).to.equal(true)
      }), { numRuns: 300 })
    })

    it('never throws on mutated fixture documents', () => {
      const text = JSON.stringify(wrapper)
      fc.assert(fc.property(fc.nat(text.length - 1), fc.string({ maxLength: 3 }), (at, insert) => {
        const r = buildSnapshot(input(text.slice(0, at) + insert + text.slice(at + 1)))
        expect(E.isLeft(r) || r.right.servers.length >= 0).to.equal(true)
      }), { numRuns: 60 })
    })
  })

  describe('determinism and hashing', () => {
    const raw = readFixtureBytes(ToolHiveFile)

    it('produces snapshots that decode with the snapshot codec, for every fixture', () => {
      for (const name of [ToolHiveFile, ToolHiveUpstreamFile, LegacySeedFile]) {
        const s = ok(buildSnapshot(input(readFixtureBytes(name))))
        expect(decodeSnapshot(JSON.parse(canonicalJson(s))), name).to.deep.equal(E.right(JSON.parse(canonicalJson(s))))
      }
    })

    it('gives byte-identical canonical JSON for the same input', () => {
      expect(canonicalJson(ok(buildSnapshot(input(raw))))).to.equal(canonicalJson(ok(buildSnapshot(input(raw)))))
    })

    it('stores the hash of the snapshot without syncedAt and hash', () => {
      const s = ok(buildSnapshot(input(raw)))
      const { hash: _h, ...rest } = s
      const { syncedAt: _t, ...reg } = s.registry
      expect(s.hash).to.equal(sha256Hex(canonicalJson({ ...rest, registry: reg })))
      expect(computeSnapshotHash(s)).to.equal(s.hash)
    })

    it('does not change the hash when only the sync time changes', () => {
      const a = ok(buildSnapshot(input(raw)))
      const b = ok(buildSnapshot(input(raw, { now: new Date('2030-01-01T00:00:00Z') })))
      expect(b.registry.syncedAt).to.not.equal(a.registry.syncedAt)
      expect(b.hash).to.equal(a.hash)
    })

    it('changes the hash when the filter changes what is served', () => {
      const a = ok(buildSnapshot(input(raw)))
      const b = ok(buildSnapshot(input(raw, { filter: { exclude: ['fetch'] } })))
      expect(b.servers.length).to.equal(85)
      expect(b.hash).to.not.equal(a.hash)
    })

    it('keeps publish times of undated versions from the previous snapshot, so a no-op sync keeps the hash', () => {
      const text = JSON.stringify(wrapper.data.servers)
      const first = ok(buildSnapshot(input(text)))
      expect(first.servers[0]?._meta['io.modelcontextprotocol.registry/official'].publishedAt).to.equal(NOW.toISOString())
      const second = ok(buildSnapshot(input(text, { now: new Date('2030-01-01T00:00:00Z'), previous: first })))
      expect(second.hash).to.equal(first.hash)
      const fresh = ok(buildSnapshot(input(text, { now: new Date('2030-01-01T00:00:00Z') })))
      expect(fresh.hash).to.not.equal(first.hash)
    })

    it('records a status change (statusChangedAt and updatedAt = now) and keeps it while the status stays', () => {
      const doc = (status: string) => JSON.stringify({ ...toolhiveDoc, servers: { fetch: { ...toolhiveDoc.servers['fetch'], status } }, remote_servers: {} })
      const first = ok(buildSnapshot(input(doc('Active'))))
      const meta = (s: RegistrySnapshot) => s.servers[0]?._meta['io.modelcontextprotocol.registry/official']
      expect(meta(first)).to.not.have.property('statusChangedAt')
      const unchanged = ok(buildSnapshot(input(doc('Active'), { now: new Date('2027-01-01T00:00:00Z'), previous: first })))
      expect(unchanged.hash).to.equal(first.hash)
      const changedAt = '2027-02-01T00:00:00.000Z'
      const deprecated = ok(buildSnapshot(input(doc('Deprecated'), { now: new Date(changedAt), previous: unchanged })))
      expect(meta(deprecated)).to.deep.equal({ status: 'deprecated', statusChangedAt: changedAt, publishedAt: meta(first)?.publishedAt, updatedAt: changedAt, isLatest: true })
      const later = ok(buildSnapshot(input(doc('Deprecated'), { now: new Date('2027-03-01T00:00:00Z'), previous: deprecated })))
      expect(meta(later)).to.deep.equal(meta(deprecated))
      expect(later.hash).to.equal(deprecated.hash)
      expect(E.isRight(decodeSnapshot(JSON.parse(JSON.stringify(later))))).to.equal(true)
    })

    it('sorts deployed servers by namespace and name', () => {
      const d = (namespace: string, name: string) => ({ name, namespace, serverName: 'fetch', image: 'img', transport: 'stdio', ready: true })
      const s = ok(buildSnapshot(input('[]', { deployedServers: [d('b', 'x'), d('a', 'y'), d('a', 'x')] })))
      expect(s.deployedServers.map((x) => `${x.namespace}/${x.name}`)).to.deep.equal(['a/x', 'a/y', 'b/x'])
    })
  })

  describe('filters on the ToolHive fixture', () => {
    const raw = readFixtureBytes(ToolHiveFile)
    const entries = [...Object.entries(toolhiveDoc.servers), ...Object.entries(toolhiveDoc.remote_servers)]
    const keysWithTag = (tag: string) => entries.filter(([, v]) => (v['tags'] as string[] | undefined)?.includes(tag)).map(([k]) => k).sort()
    const keysOf = (s: RegistrySnapshot) => toToolHiveView(s).keys

    it('keeps servers with any include tag (OR)', () => {
      const s = ok(buildSnapshot(input(raw, { filter: { tags: { include: ['database', 'remote'] } } })))
      expect([...keysOf(s).values()].sort()).to.deep.equal([...new Set([...keysWithTag('database'), ...keysWithTag('remote')])].sort())
    })

    it('matches ToolHive keys and reverse-DNS names alike, exclude beating include', () => {
      const s = ok(buildSnapshot(input(raw, { filter: { include: ['io.github.*/*'], exclude: ['github*', '*/fetch'] } })))
      const kept = [...keysOf(s).values()].sort()
      expect(kept).to.deep.equal(entries.map(([k]) => k).filter((k) => !k.startsWith('github') && k !== 'fetch').sort())
    })

    it('keeps groups unfiltered and the header', () => {
      const s = ok(buildSnapshot(input(raw, { filter: { include: ['fetch'] } })))
      expect(toToolHiveRegistry(s)).to.deep.equal({ ...toolhiveDoc, servers: { fetch: toolhiveDoc.servers['fetch'] }, remote_servers: {} })
    })
  })
})
