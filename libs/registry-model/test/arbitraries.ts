// fast-check arbitraries of valid documents, built from the same constraints as the codecs.
import fc from 'fast-check'

const host = fc.stringMatching(/^[a-z][a-z0-9]{0,10}\.(com|io|dev)$/)
const url = fc.tuple(host, fc.stringMatching(/^[a-z0-9/_-]{0,16}$/)).map(([h, p]) => `https://${h}/${p}`)
const dateTime = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString())
const text = (minLength: number, maxLength: number): fc.Arbitrary<string> => fc.string({ minLength, maxLength, unit: 'grapheme' })

const toolHiveEnvVar = fc.record(
  { name: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/), description: text(5, 60), required: fc.boolean(), secret: fc.boolean(), default: fc.string() },
  { requiredKeys: ['name', 'description', 'required'] },
)
const common = {
  description: text(10, 120),
  tier: fc.constantFrom('Official', 'Community'),
  status: fc.constantFrom('Active', 'Deprecated'),
  tools: fc.uniqueArray(fc.stringMatching(/^[\w-]{1,12}$/), { minLength: 1, maxLength: 4 }),
  metadata: fc.record({ stars: fc.nat(), pulls: fc.nat(), last_updated: dateTime }, { requiredKeys: [] }),
  repository_url: url,
  tags: fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}[a-z0-9]$/), { minLength: 1, maxLength: 4 }),
  custom_metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  env_vars: fc.array(toolHiveEnvVar, { maxLength: 3 }),
}

/** A valid ToolHive image server entry. */
export const toolHiveImageServer = fc.record(
  {
    ...common,
    image: fc.stringMatching(/^[a-z0-9]{1,8}(\/[a-z0-9]{1,8}){0,2}(:[a-z0-9][a-z0-9.]{0,6})?$/),
    transport: fc.constantFrom('stdio', 'sse', 'streamable-http'),
    target_port: fc.integer({ min: 1, max: 65535 }),
    args: fc.array(fc.string(), { maxLength: 3 }),
    docker_tags: fc.uniqueArray(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    permissions: fc.record(
      {
        read: fc.uniqueArray(fc.stringMatching(/^(\/[a-z]{1,6}){1,3}$/), { maxLength: 2 }),
        network: fc.record({ outbound: fc.record({ insecure_allow_all: fc.boolean(), allow_port: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { maxLength: 3 }) }, { requiredKeys: [] }) }, { requiredKeys: [] }),
        privileged: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['description', 'tier', 'status', 'tools', 'image', 'transport'] },
)

/** A valid ToolHive remote server entry. */
export const toolHiveRemoteServer = fc.record(
  {
    ...common,
    url,
    transport: fc.constantFrom('sse', 'streamable-http'),
    headers: fc.array(fc.record({ name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,10}$/), description: text(5, 40), required: fc.boolean() }), { maxLength: 2 }),
    oauth_config: fc.record({ issuer: url, client_id: fc.string(), scopes: fc.array(fc.string(), { maxLength: 2 }), use_pkce: fc.boolean() }, { requiredKeys: [] }),
  },
  { requiredKeys: ['description', 'tier', 'status', 'tools', 'url', 'transport'] },
)

const toolHiveKey = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,16}[a-z0-9]$/)

/** A valid ToolHive registry document. */
export const toolHiveRegistry = fc.record(
  {
    version: fc.stringMatching(/^\d{1,2}\.\d{1,2}\.\d{1,2}$/),
    last_updated: dateTime,
    servers: fc.dictionary(toolHiveKey, toolHiveImageServer, { maxKeys: 4 }),
    remote_servers: fc.dictionary(toolHiveKey, toolHiveRemoteServer, { maxKeys: 3 }),
  },
  { requiredKeys: ['version', 'last_updated', 'servers'] },
)

const keyValueInput = fc.record(
  { name: fc.string({ minLength: 1, maxLength: 10 }), description: fc.string(), isRequired: fc.boolean(), isSecret: fc.boolean(), format: fc.constantFrom('string', 'number', 'boolean', 'filepath') },
  { requiredKeys: ['name'] },
)
const argument = fc.oneof(
  fc.record({ type: fc.constant('named'), name: fc.stringMatching(/^--[a-z]{1,8}$/), value: fc.string() }, { requiredKeys: ['type', 'name'] }),
  fc.record({ type: fc.constant('positional'), valueHint: fc.stringMatching(/^[a-z_]{1,8}$/), isRepeated: fc.boolean() }, { requiredKeys: ['type', 'valueHint'] }),
)
const localTransport = fc.oneof(
  fc.constant({ type: 'stdio' }),
  url.map((u) => ({ type: 'sse', url: u })),
  fc.record({ type: fc.constant('streamable-http'), url, headers: fc.array(keyValueInput, { maxLength: 2 }) }, { requiredKeys: ['type', 'url'] }),
)

/** A valid upstream server.json document (2025-12-11). */
export const serverJson = fc.record(
  {
    $schema: fc.constant('https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json'),
    name: fc.stringMatching(/^[a-zA-Z0-9.-]{1,20}\/[a-zA-Z0-9._-]{1,20}$/),
    description: text(1, 100),
    title: text(1, 100),
    version: fc.stringMatching(/^\d{1,3}\.\d{1,3}\.\d{1,3}(-[a-z0-9]{1,5})?$/),
    websiteUrl: url,
    repository: fc.record({ url, source: fc.constantFrom('github', 'gitlab'), id: fc.string(), subfolder: fc.string() }, { requiredKeys: ['url', 'source'] }),
    icons: fc.array(fc.record({ src: url, mimeType: fc.constantFrom('image/png', 'image/svg+xml'), sizes: fc.array(fc.constantFrom('48x48', 'any')), theme: fc.constantFrom('light', 'dark') }, { requiredKeys: ['src'] }), { maxLength: 2 }),
    packages: fc.array(
      fc.record(
        {
          registryType: fc.constantFrom('npm', 'pypi', 'oci', 'nuget', 'mcpb'),
          identifier: fc.string({ minLength: 1, maxLength: 20 }),
          version: fc.stringMatching(/^\d{1,2}\.\d{1,2}\.\d{1,2}$/),
          fileSha256: fc.stringMatching(/^[a-f0-9]{64}$/),
          runtimeHint: fc.constantFrom('npx', 'uvx', 'docker'),
          transport: localTransport,
          runtimeArguments: fc.array(argument, { maxLength: 2 }),
          packageArguments: fc.array(argument, { maxLength: 2 }),
          environmentVariables: fc.array(keyValueInput, { maxLength: 2 }),
        },
        { requiredKeys: ['registryType', 'identifier', 'transport'] },
      ),
      { maxLength: 2 },
    ),
    remotes: fc.array(
      fc.record({ type: fc.constantFrom('sse', 'streamable-http'), url, variables: fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.record({ isRequired: fc.boolean() }), { maxKeys: 2 }) }, { requiredKeys: ['type', 'url'] }),
      { maxLength: 2 },
    ),
    _meta: fc.record({ 'io.modelcontextprotocol.registry/publisher-provided': fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }) }),
  },
  { requiredKeys: ['name', 'description', 'version'] },
)

/** JSON-like values whose objects often use dangerous or meaningful keys (`__proto__`, `constructor`, field names). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'servers', 'remote_servers', 'name', 'version', 'server', '_meta', 'packages', 'type', 'data'), fc.string({ maxLength: 6 })),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value
