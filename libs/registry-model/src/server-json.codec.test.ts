import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { decodeServerJson, isVersionRange, serverSchemaDate, ServerSchemaDates } from './server-json.codec.js'
import { decodeToolHiveUpstreamRegistry } from './toolhive-upstream.codec.js'
import { clone, fixture, issuesOf, serverSchemaAccepts } from '../test/support.js'

// the upstream registry's documented examples (A: 2025-12-11 schema; B: hybrid remote + OCI).
const exampleA = {
  $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
  name: 'io.github.domdomegg/airtable-mcp-server',
  description: 'Read and write access to Airtable database schemas, tables, and records.',
  repository: { url: 'https://github.com/domdomegg/airtable-mcp-server.git', source: 'github' },
  version: '1.7.2',
  icons: [{ src: 'https://airtable.com/images/favicon/favicon-32x32.png', mimeType: 'image/png', sizes: ['32x32'] }],
  packages: [
    {
      registryType: 'npm', identifier: 'airtable-mcp-server', version: '1.7.2', runtimeHint: 'npx', transport: { type: 'stdio' },
      environmentVariables: [{ name: 'AIRTABLE_API_KEY', description: 'Airtable token', isRequired: true, isSecret: true }],
    },
    { registryType: 'oci', identifier: 'docker.io/domdomegg/airtable-mcp-server:1.7.2', runtimeHint: 'docker', transport: { type: 'stdio' } },
    {
      registryType: 'mcpb',
      identifier: 'https://github.com/domdomegg/airtable-mcp-server/releases/download/v1.7.2/airtable-mcp-server.mcpb',
      fileSha256: '8220de07a08ebe908f04da139ea03dbfe29758141347e945da60535fb7bcca20',
      transport: { type: 'stdio' },
    },
  ],
}
const exampleB = {
  $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
  name: 'com.example/database-manager',
  title: 'Database Manager',
  description: 'MCP server for database operations with support for multiple database types',
  websiteUrl: 'https://example.com/mcp/database-manager',
  repository: { url: 'https://github.com/example/mcp-servers', source: 'github', id: '912345678', subfolder: 'servers/database-manager' },
  version: '3.1.0',
  packages: [{
    registryType: 'oci', identifier: 'ghcr.io/example/database-manager-mcp:3.1.0', runtimeHint: 'docker', transport: { type: 'stdio' },
    runtimeArguments: [
      {
        type: 'named', name: '--mount', isRequired: true, isRepeated: true, value: 'type=bind,src={source_path},dst={target_path}',
        variables: { source_path: { format: 'filepath', isRequired: true }, target_path: { isRequired: true, default: '/project' } },
      },
      { type: 'named', name: '-e', value: 'DB_TYPE={db_type}', variables: { db_type: { choices: ['postgres', 'mysql'], isRequired: true } } },
    ],
    packageArguments: [
      { type: 'named', name: '--port', description: 'Database port', format: 'number' },
      { type: 'positional', valueHint: 'database_name', isRequired: true },
    ],
    environmentVariables: [{ name: 'DB_PASSWORD', isRequired: true, isSecret: true }, { name: 'SSL_MODE', default: 'prefer', choices: ['disable', 'prefer'] }],
  }],
  remotes: [
    {
      type: 'streamable-http', url: 'https://{tenant_id}.mcp.example.com/mcp',
      variables: { tenant_id: { description: 'Your tenant identifier', isRequired: true } },
      headers: [{ name: 'Authorization', value: 'Bearer {api_key}', isSecret: true, variables: { api_key: { isRequired: true, isSecret: true } } }],
    },
    { type: 'sse', url: 'https://mcp.example.com/sse' },
  ],
  _meta: { 'io.modelcontextprotocol.registry/publisher-provided': { tool: 'ci-publisher', buildInfo: { commit: 'a1b2c3d' } } },
}
type Doc = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const editA = (f: (d: Doc) => void): unknown => { const d = clone(exampleA) as Doc; f(d); return d }
const editB = (f: (d: Doc) => void): unknown => { const d = clone(exampleB) as Doc; f(d); return d }

// [title, document, expected issue prefixes, the JSON schema agrees (default true)]
const invalid: ReadonlyArray<readonly [string, unknown, readonly string[], boolean?]> = [
  ['rejects a name without a namespace', editA((d) => { d.name = 'weather' }), ['name: must match the pattern ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$, got string "weather"']],
  ['rejects a name with two slashes', editA((d) => { d.name = 'io.github.x/a/b' }), ['name: must match the pattern ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$, got string "io.github.x/a/b"']],
  ['rejects a name over 200 characters', editA((d) => { d.name = `io.github.x/${'a'.repeat(189)}` }), ['name: must be at most 200 characters long (got 201)']],
  ['rejects a name under 3 characters', editA((d) => { d.name = 'a/' }), ['name: must be at least 3 characters long']],
  ['rejects a name with a control character', editA((d) => { d.name = 'io.github.x/a\u0000b' }), ['name: must match the pattern ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$, got string "io.github.x/a\\u0000b"']],
  ['rejects an empty description', editA((d) => { d.description = '' }), ['description: must not be empty']],
  ['rejects a description over 100 characters', editA((d) => { d.description = 'd'.repeat(101) }), ['description: must be at most 100 characters long (got 101)']],
  ['rejects an empty title', editB((d) => { d.title = '' }), ['title: must not be empty']],
  ['rejects a missing version', editA((d) => { delete d.version }), ['version: is required']],
  ['rejects a version over 255 characters', editA((d) => { d.version = '1'.repeat(256) }), ['version: must be at most 255 characters long (got 256)']],
  ['rejects a caret version range', editA((d) => { d.version = '^1.2.3' }), ['version: must be a specific version, not a range'], false],
  ['rejects a wildcard version range', editA((d) => { d.version = '1.x' }), ['version: must be a specific version, not a range'], false],
  // Found by the mutation property (seed -733103354): a bare "x" is npm's "any version".
  ['rejects the bare wildcard version "x"', editA((d) => { d.version = 'x' }), ['version: must be a specific version, not a range'], false],
  ['rejects a website URL without a scheme', editB((d) => { d.websiteUrl = 'example.com/mcp' }), ['websiteUrl: must be an absolute URI']],
  ['rejects a repository without source', editA((d) => { delete d.repository.source }), ['repository/source: is required']],
  ['rejects an unsupported icon MIME type', editA((d) => { d.icons[0].mimeType = 'image/gif' }), ['icons/0/mimeType: must be one of: image/png, image/jpeg, image/jpg, image/svg+xml, image/webp; got string "image/gif"']],
  ['rejects an icon size that is not WxH', editA((d) => { d.icons[0].sizes = ['48'] }), ['icons/0/sizes/0: must match the pattern ^(\\d+x\\d+|any)$, got string "48"']],
  ['rejects an icon src over 255 characters', editA((d) => { d.icons[0].src = `https://x.example/${'a'.repeat(240)}` }), ['icons/0/src: must be at most 255 characters long (got 258)']],
  ['rejects a package without transport', editA((d) => { delete d.packages[0].transport }), ['packages/0/transport: is required']],
  ['rejects an unknown transport type', editA((d) => { d.packages[0].transport = { type: 'websocket' } }), ['packages/0/transport/type: must be one of: stdio, streamable-http, sse; got string "websocket"']],
  ['rejects an sse package transport without url', editA((d) => { d.packages[0].transport = { type: 'sse' } }), ['packages/0/transport/url: is required']],
  ['rejects a non-http transport url', editA((d) => { d.packages[0].transport = { type: 'streamable-http', url: 'ftp://x.example' } }), ['packages/0/transport/url: must match the pattern ^https?://[^\\s]+$, got string "ftp://x.example"']],
  ['rejects package version "latest"', editA((d) => { d.packages[0].version = 'latest' }), ['packages/0/version: must be a specific version, not "latest"']],
  ['rejects an empty package version', editA((d) => { d.packages[0].version = '' }), ['packages/0/version: must not be empty']],
  ['rejects an upper-case file hash', editA((d) => { d.packages[2].fileSha256 = 'A'.repeat(64) }), ['packages/2/fileSha256: must match the pattern ^[a-f0-9]{64}$, got string "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…"']],
  ['rejects a package registry base URL that is no URI', editA((d) => { d.packages[0].registryBaseUrl = 'npm registry' }), ['packages/0/registryBaseUrl: must be an absolute URI']],
  ['rejects a named argument without name', editB((d) => { delete d.packages[0].runtimeArguments[1].name }), ['packages/0/runtimeArguments/1/name: is required']],
  ['rejects a positional argument without valueHint or value', editB((d) => { delete d.packages[0].packageArguments[1].valueHint }), ['packages/0/packageArguments/1/valueHint: is required (a positional argument needs valueHint or value)']],
  ['rejects an unknown argument type', editB((d) => { d.packages[0].packageArguments[0].type = 'flag' }), ['packages/0/packageArguments/0/type: must be one of: positional, named; got string "flag"']],
  ['rejects an unknown input format', editB((d) => { d.packages[0].packageArguments[0].format = 'int' }), ['packages/0/packageArguments/0/format: must be one of: string, number, boolean, filepath; got string "int"']],
  ['rejects a non-boolean isSecret', editA((d) => { d.packages[0].environmentVariables[0].isSecret = 'yes' }), ['packages/0/environmentVariables/0/isSecret: expected boolean, got string "yes"']],
  ['rejects a stdio remote', editB((d) => { d.remotes[1] = { type: 'stdio' } }), ['remotes/1/type: must be one of: streamable-http, sse; got string "stdio"']],
  ['rejects a non-boolean remote variable flag', editB((d) => { d.remotes[0].variables.tenant_id.isRequired = 'true' }), ['remotes/0/variables/tenant_id/isRequired: expected boolean, got string "true"']],
  ['rejects a remote header without name', editB((d) => { delete d.remotes[0].headers[0].name }), ['remotes/0/headers/0/name: is required']],
  ['rejects publisher-provided metadata that is not an object', editB((d) => { d._meta['io.modelcontextprotocol.registry/publisher-provided'] = [] }), ['_meta/"io.modelcontextprotocol.registry/publisher-provided": expected object, got array']],
  ['rejects a $schema that is no URI', editA((d) => { d.$schema = 'server schema' }), ['$schema: must be an absolute URI']],
  ['rejects an array document', [exampleA], ['expected object ServerJson, got array']],
  ['lists every problem in document order', editA((d) => { d.name = 1; d.packages[1].transport.type = 'x'; delete d.description }), [
    'name: expected string, got number 1', 'packages/1/transport/type: must be one of: stdio, streamable-http, sse; got string "x"', 'description: is required',
  ]],
]

const valid: ReadonlyArray<readonly [string, unknown]> = [
  ['example A (npm + OCI + MCPB, icons)', exampleA],
  ['example B (remote templates, arguments, variables)', exampleB],
  ['unknown keys anywhere (the schema leaves objects open; draft postInstallInstructions)', editA((d) => {
    d.packages[0].postInstallInstructions = [{ description: 'Run setup' }]
    d.futureField = { any: 'thing' }
  })],
  ['a stdio transport that also carries a url', editA((d) => { d.packages[0].transport = { type: 'stdio', url: 'anything' } })],
  ['a 2025-09-29 document (package versions present, no remote variables)', editA((d) => {
    d.$schema = 'https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json'
    delete d.icons
    d.packages[2].version = '1.7.2'
  })],
  ['a 2025-10-11 document (OCI package without version)', editA((d) => { d.$schema = 'https://static.modelcontextprotocol.io/schemas/2025-10-11/server.schema.json' })],
  ['a 2025-10-17 document (MCPB package with version)', editA((d) => {
    d.$schema = 'https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json'
    d.packages[2].version = '1.7.2'
  })],
  ['a document without $schema', editA((d) => { delete d.$schema })],
  ['a 100-character description and a 200-character name', editA((d) => { d.description = 'd'.repeat(100); d.name = `io.github.x/${'a'.repeat(188)}` })],
  ['a non-semver version', editA((d) => { d.version = '2025.12.01-build.7' })],
]

describe('ServerJsonCodec', () => {
  for (const [title, doc, expected, schemaAgrees = true] of invalid) {
    it(title, () => {
      const issues = issuesOf(decodeServerJson(doc))
      expect(issues).to.deep.equal(expected)
      expect(serverSchemaAccepts(doc), 'ajv verdict').to.equal(!schemaAgrees)
    })
  }

  for (const [title, doc] of valid) {
    it(`accepts ${title}, as ajv does`, () => {
      expect(issuesOf(decodeServerJson(doc))).to.deep.equal([])
      expect(serverSchemaAccepts(doc)).to.equal(true)
    })
  }

  it('keeps unknown keys verbatim and decodes to an equal document', () => {
    const doc = editA((d) => { d.packages[0].postInstallInstructions = [{ description: 'Run setup' }] })
    expect(decodeServerJson(doc)).to.deep.equal(E.right(doc))
  })

  it('decodes every server of the ToolHive upstream fixture, as ajv does', () => {
    const doc = fixture('toolhive-upstream-registry-2025-12-11.json') as { data: { servers: unknown[] } }
    expect(doc.data.servers).to.have.length(12)
    for (const s of doc.data.servers) {
      expect(issuesOf(decodeServerJson(s))).to.deep.equal([])
      expect(serverSchemaAccepts(s)).to.equal(true)
    }
    expect(issuesOf(decodeToolHiveUpstreamRegistry(doc))).to.deep.equal([])
  })
})

describe('isVersionRange', () => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ['1.2.3', false], ['1.0.0-alpha.1', false], ['2025.12.01', false], ['v1', false], ['1.0.0-x', false],
    ['^1.2.3', true], ['~1.2', true], ['>=1.2.3', true], ['<2', true], ['=1.0.0', true], ['1.x', true], ['1.*', true],
    ['1.2.X', true], ['1 - 2', true], ['1 || 2', true],
  ]
  for (const [v, range] of cases) it(`says ${JSON.stringify(v)} is ${range ? '' : 'not '}a range`, () => expect(isVersionRange(v)).to.equal(range))
})

describe('serverSchemaDate', () => {
  it('reads the date of every supported $schema URL', () => {
    for (const date of ServerSchemaDates) {
      expect(serverSchemaDate(`https://static.modelcontextprotocol.io/schemas/${date}/server.schema.json`)).to.equal(date)
    }
  })
  it('returns undefined for URLs without a date and for no URL', () => {
    expect(serverSchemaDate('https://example.com/schema.json')).to.equal(undefined)
    expect(serverSchemaDate(undefined)).to.equal(undefined)
  })
})
