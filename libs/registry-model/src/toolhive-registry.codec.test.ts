import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { parseJson } from './json-parse.js'
import { decodeToolHiveRegistry } from './toolhive-registry.codec.js'
import { clone, fixtureBytes, issuesOf, toolHiveSchemaAccepts } from '../test/support.js'

const imageServer = {
  description: 'Fetches web pages for the tests',
  tier: 'Official',
  status: 'Active',
  transport: 'stdio',
  tools: ['fetch'],
  image: 'ghcr.io/stackloklabs/gofetch/server:1.0.1',
  env_vars: [{ name: 'TOKEN', description: 'An API token', required: false, secret: true }],
  permissions: { read: ['/data'], network: { outbound: { allow_host: ['.example.com'], allow_port: [443] } } },
  metadata: { stars: 1, pulls: 2, last_updated: '2025-09-07T02:30:47Z' },
  tags: ['web'],
}
const remoteServer = {
  url: 'https://mcp.example.com/sse',
  description: 'A remote server for the tests',
  tier: 'Community',
  status: 'Active',
  transport: 'sse',
  tools: ['search'],
  headers: [{ name: 'X-API-Key', description: 'The API key', required: true, secret: true }],
  oauth_config: { issuer: 'https://auth.example.com', scopes: ['read'] },
}
const base = {
  $schema: 'https://raw.githubusercontent.com/stacklok/toolhive/main/pkg/registry/data/schema.json',
  version: '1.0.0',
  last_updated: '2025-09-30T00:17:43Z',
  servers: { fetch: imageServer },
  remote_servers: { 'remote-one': remoteServer },
  groups: [{ name: 'web', description: 'Web tools for tests', servers: { fetch: imageServer } }],
}
type Doc = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** A copy of the valid base document changed by `f`. */
function edit(f: (d: Doc) => void): unknown {
  const d = clone(base) as Doc
  f(d)
  return d
}

// [title, document, expected issue prefixes (path: message start), the JSON schema agrees (default true)]
const invalid: ReadonlyArray<readonly [string, unknown, readonly string[], boolean?]> = [
  ['rejects an unknown field in an image server', edit((d) => { d.servers.fetch.imgae = 'x' }), ['servers/fetch/imgae: unknown field']],
  ['rejects a remote-only field in an image server', edit((d) => { d.servers.fetch.url = 'https://x.example.com' }), ['servers/fetch/url: unknown field']],
  ['rejects a missing image', edit((d) => { delete d.servers.fetch.image }), ['servers/fetch/image: is required']],
  ['rejects an unknown tier', edit((d) => { d.servers.fetch.tier = 'Gold' }), ['servers/fetch/tier: must be one of: Official, Community; got string "Gold"']],
  ['rejects a lower-case status', edit((d) => { d.servers.fetch.status = 'active' }), ['servers/fetch/status: must be one of: Active, Deprecated; got string "active"']],
  ['rejects stdio for a remote server', edit((d) => { d.remote_servers['remote-one'].transport = 'stdio' }), ['remote_servers/remote-one/transport: must be one of: sse, streamable-http; got string "stdio"']],
  ['rejects an empty tool list', edit((d) => { d.servers.fetch.tools = [] }), ['servers/fetch/tools: must have at least 1 item']],
  ['rejects a repeated tool', edit((d) => { d.servers.fetch.tools = ['fetch', 'fetch'] }), ['servers/fetch/tools/1: duplicate of item 0']],
  ['rejects a tool name with a space', edit((d) => { d.servers.fetch.tools = ['fetch page'] }), ['servers/fetch/tools/0: must match the pattern ^[\\w-]+$, got string "fetch page"']],
  ['rejects an upper-case tag', edit((d) => { d.servers.fetch.tags = ['Web'] }), ['servers/fetch/tags/0: must match the pattern ^[a-z0-9][a-z0-9_-]*[a-z0-9]$, got string "Web"']],
  ['rejects a too short description', edit((d) => { d.servers.fetch.description = 'short' }), ['servers/fetch/description: must be at least 10 characters long']],
  ['rejects a description over 500 characters', edit((d) => { d.servers.fetch.description = 'x'.repeat(501) }), ['servers/fetch/description: must be at most 500 characters long (got 501)']],
  ['rejects a one-megabyte description', edit((d) => { d.servers.fetch.description = 'y'.repeat(1_000_000) }), ['servers/fetch/description: must be at most 500 characters long (got 1000000)']],
  ['rejects an upper-case image reference', edit((d) => { d.servers.fetch.image = 'GHCR.io/x/y:1' }), ['servers/fetch/image: must match the pattern ^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*(:([a-zA-Z0-9][a-zA-Z0-9._-]*))?$, got string "GHCR.io/x/y:1"']],
  ['rejects an image digest reference', edit((d) => { d.servers.fetch.image = 'ghcr.io/x/y@sha256:abc' }), ['servers/fetch/image: must match the pattern ^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*(:([a-zA-Z0-9][a-zA-Z0-9._-]*))?$, got string "ghcr.io/x/y@sha256:abc"']],
  ['rejects port 0', edit((d) => { d.servers.fetch.target_port = 0 }), ['servers/fetch/target_port: must be an integer between 1 and 65535, got number 0']],
  ['rejects a fractional port', edit((d) => { d.servers.fetch.target_port = 80.5 }), ['servers/fetch/target_port: must be an integer between 1 and 65535, got number 80.5']],
  ['rejects a port given as a string', edit((d) => { d.servers.fetch.target_port = '8080' }), ['servers/fetch/target_port: must be an integer between 1 and 65535, got string "8080"']],
  ['rejects an env var without required', edit((d) => { delete d.servers.fetch.env_vars[0].required }), ['servers/fetch/env_vars/0/required: is required']],
  ['rejects an env var name starting with a digit', edit((d) => { d.servers.fetch.env_vars[0].name = '1KEY' }), ['servers/fetch/env_vars/0/name: must match the pattern ^[A-Za-z_][A-Za-z0-9_]*$, got string "1KEY"']],
  ['rejects an unknown outbound permission', edit((d) => { d.servers.fetch.permissions.network.outbound.allow_all = true }), ['servers/fetch/permissions/network/outbound/allow_all: unknown field']],
  ['rejects a relative read path', edit((d) => { d.servers.fetch.permissions.read = ['tmp'] }), ['servers/fetch/permissions/read/0: must match the pattern ^(/[^/\\0]+)+/?$, got string "tmp"']],
  ['rejects an invalid allowed host', edit((d) => { d.servers.fetch.permissions.network.outbound.allow_host = ['bad host!'] }), ['servers/fetch/permissions/network/outbound/allow_host/0: must be a host name or a .domain suffix']],
  ['rejects negative stars', edit((d) => { d.servers.fetch.metadata.stars = -1 }), ['servers/fetch/metadata/stars: must be an integer ≥ 0, got number -1']],
  ['rejects a non-date last_updated in metadata', edit((d) => { d.servers.fetch.metadata.last_updated = 'yesterday' }), ['servers/fetch/metadata/last_updated: must be an RFC 3339 date-time such as 2025-09-30T00:17:43Z']],
  ['rejects an impossible calendar date', edit((d) => { d.last_updated = '2025-02-30T00:00:00Z' }), ['last_updated: must be an RFC 3339 date-time such as 2025-09-30T00:17:43Z']],
  ['rejects an invalid sigstore host', edit((d) => { d.servers.fetch.provenance = { sigstore_url: 'not a host!' } }), ['servers/fetch/provenance/sigstore_url: must be a host name']],
  ['rejects an upper-case server key', edit((d) => { d.servers.Fetch = d.servers.fetch }), ['servers/Fetch: invalid key: must match the pattern ^[a-z0-9][a-z0-9-]+[a-z0-9]$, got string "Fetch"']],
  ['rejects a __proto__ server key', { ...clone(base), servers: JSON.parse('{"__proto__": {}}') as unknown }, ['servers/__proto__: invalid key: must match the pattern ^[a-z0-9][a-z0-9-]+[a-z0-9]$, got string "__proto__"']],
  ['shortens an overlong invalid key in the path', edit((d) => { d.servers['A'.repeat(100_000)] = {} }), [`servers/${'A'.repeat(80)}…: invalid key: must match the pattern ^[a-z0-9][a-z0-9-]+[a-z0-9]$, got string "${'A'.repeat(40)}…"`]],
  ['rejects a missing version', edit((d) => { delete d.version }), ['version: is required']],
  ['rejects a two-part version', edit((d) => { d.version = '1.0' }), ['version: must match the pattern ^\\d+\\.\\d+\\.\\d+$, got string "1.0"']],
  ['rejects servers given as an array', edit((d) => { d.servers = [] }), ['servers: expected object ToolHiveImageServers, got array']],
  ['rejects a remote URL with a space', edit((d) => { d.remote_servers['remote-one'].url = 'not a url' }), ['remote_servers/remote-one/url: must be an absolute URI']],
  ['rejects a header without description', edit((d) => { delete d.remote_servers['remote-one'].headers[0].description }), ['remote_servers/remote-one/headers/0/description: is required']],
  ['rejects an unknown oauth_config field', edit((d) => { d.remote_servers['remote-one'].oauth_config.client_secret = 's' }), ['remote_servers/remote-one/oauth_config/client_secret: unknown field']],
  ['rejects custom_metadata that is not an object', edit((d) => { d.servers.fetch.custom_metadata = [] }), ['servers/fetch/custom_metadata: expected object, got array']],
  ['rejects an unknown group field', edit((d) => { d.groups[0].members = [] }), ['groups/0/members: unknown field']],
  ['rejects a one-letter group name', edit((d) => { d.groups[0].name = 'a' }), ['groups/0/name: must match the pattern ^[a-z0-9][a-z0-9-]*[a-z0-9]$, got string "a"']],
  ['rejects an invalid server inside a group', edit((d) => { d.groups[0].servers.fetch.tier = 'x' }), ['groups/0/servers/fetch/tier: must be one of: Official, Community; got string "x"']],
  ['rejects a null document', null, ['expected object ToolHiveRegistry, got null']],
  ['lists every problem of a document in document order', edit((d) => {
    d.servers.fetch.tier = 'x'
    d.servers.fetch.extra = 1
    delete d.remote_servers['remote-one'].url
    d.last_updated = 1
  }), ['last_updated: expected string, got number 1', 'servers/fetch/tier: must be one of: Official, Community; got string "x"', 'servers/fetch/extra: unknown field', 'remote_servers/remote-one/url: is required']],
  // Stricter than the schema on purpose: two groups with one name cannot both be addressed.
  ['rejects duplicate group names', edit((d) => { d.groups.push(clone(d.groups[0])) }), ['groups/1: duplicate of item 0 (same group name "web")'], false],
]

const valid: ReadonlyArray<readonly [string, unknown]> = [
  ['the base document', base],
  ['a document without remote_servers and groups', edit((d) => { delete d.remote_servers; delete d.groups })],
  ['unknown top-level keys (the top level is open)', edit((d) => { d.generator = 'test' })],
  ['a 500-code-point description of astral characters', edit((d) => { d.servers.fetch.description = '😀'.repeat(500) })],
  ['control characters inside strings', edit((d) => { d.servers.fetch.description = 'line\u0000one\nline\u001btwo' })],
  ['free-form custom_metadata with a __proto__ key', edit((d) => { d.servers.fetch.custom_metadata = JSON.parse('{"__proto__": {"polluted": true}}') })],
  ['a very long valid server key', edit((d) => { d.servers['a'.repeat(10_000)] = clone(imageServer) })],
  ['a date-time with an offset and fraction', edit((d) => { d.last_updated = '2025-09-30T02:17:43.123+02:00' })],
]

describe('ToolHiveRegistryCodec', () => {
  it('decodes the ToolHive fixture (86 servers) and ajv accepts it too', () => {
    const r = E.chainW(decodeToolHiveRegistry)(parseJson(fixtureBytes('toolhive-registry.json')))
    if (E.isLeft(r)) expect.fail(r.left.message)
    expect(Object.keys(r.right.servers).length + Object.keys(r.right.remote_servers ?? {}).length).to.equal(86)
    expect(r.right.servers['fetch']?.image).to.be.a('string')
    expect(toolHiveSchemaAccepts(JSON.parse(new TextDecoder().decode(fixtureBytes('toolhive-registry.json'))))).to.equal(true)
  })

  for (const [title, doc, expected, schemaAgrees = true] of invalid) {
    it(title, () => {
      const issues = issuesOf(decodeToolHiveRegistry(doc))
      expect(issues).to.deep.equal(expected)
      expect(toolHiveSchemaAccepts(doc), 'ajv verdict').to.equal(!schemaAgrees)
    })
  }

  for (const [title, doc] of valid) {
    it(`accepts ${title}, as ajv does`, () => {
      expect(issuesOf(decodeToolHiveRegistry(doc))).to.deep.equal([])
      expect(toolHiveSchemaAccepts(doc)).to.equal(true)
    })
  }

  it('keeps a __proto__ key as data and never touches Object.prototype', () => {
    const doc = edit((d) => { d.servers.fetch.custom_metadata = JSON.parse('{"__proto__": {"polluted": true}}') })
    const r = decodeToolHiveRegistry(doc)
    if (E.isLeft(r)) expect.fail(r.left.message)
    expect(Object.getOwnPropertyNames(r.right.servers['fetch']?.custom_metadata)).to.deep.equal(['__proto__'])
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined)
  })

  it('decodes free-form metadata nested 100,000 levels deep without recursing into it', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 100_000; i++) deep = { d: deep }
    const r = decodeToolHiveRegistry(edit((d) => { d.servers.fetch.custom_metadata = { deep } }))
    expect(E.isRight(r) && r.right.servers['fetch']?.custom_metadata?.['deep']).to.equal(deep)
  })

  it('says everything in one message', () => {
    const r = decodeToolHiveRegistry(edit((d) => { d.servers.fetch.tier = 'x'; d.version = '1' }))
    expect(E.isLeft(r) && r.left.message).to.equal(
      'Invalid ToolHiveRegistry: version: must match the pattern ^\\d+\\.\\d+\\.\\d+$, got string "1"; ' +
        'servers/fetch/tier: must be one of: Official, Community; got string "x"',
    )
  })
})
