/** ToolHive registry entries -> upstream `server.json`, placing ToolHive-only fields as ToolHive's converters do. */
import { codePointLength, CurrentServerSchemaUrl, PublisherProvidedMetaKey } from '@thv/registry-model'
import { reverseDnsNameOf, ToolHivePublisherNamespace } from './meta-keys.js'

/**
 * The version given to ToolHive entries, which carry none (ToolHive's converters use the same constant).
 *
 * @category conversion
 * @since 0.1.0
 */
export const ToolHiveEntryVersion = '1.0.0'

/**
 * Whether a ToolHive entry runs a container image (`servers`) or is reached at a URL (`remote_servers`).
 *
 * @category conversion
 * @since 0.1.0
 */
export type ToolHiveEntryKind = 'image' | 'remote'

type Json = Record<string, unknown>

/** `server.json` `description` maxLength. */
const MAX_SERVER_DESCRIPTION = 100

/** ToolHive fields that map onto `server.json` fields; every other field travels in the extension block. */
const MAPPED_FIELDS: Readonly<Record<ToolHiveEntryKind, ReadonlySet<string>>> = {
  image: new Set(['name', 'description', 'repository_url', 'image', 'transport', 'target_port', 'env_vars']),
  remote: new Set(['name', 'description', 'repository_url', 'url', 'transport', 'headers']),
}

/** ToolHive key-value input (env var, header) field -> upstream `KeyValueInput` field. */
const INPUT_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['name', 'name'], ['description', 'description'], ['required', 'isRequired'], ['secret', 'isSecret'],
  ['default', 'default'], ['choices', 'choices'],
]

/**
 * Maps a ToolHive env var or header onto an upstream `KeyValueInput`, field by field (absent stays absent).
 *
 * @category conversion
 * @since 0.1.0
 */
export function toUpstreamInput(input: Json): Json {
  const out: Json = {}
  for (const [from, to] of INPUT_FIELDS) if (input[from] !== undefined) out[to] = input[from]
  return out
}

/** The first `count` code points of `s` (a surrogate pair is one code point and is never split). */
function firstCodePoints(s: string, count: number): string {
  let end = 0
  for (let n = 0; n < count && end < s.length; n++) {
    const c = s.charCodeAt(end)
    end += c >= 0xd800 && c <= 0xdbff && end + 1 < s.length && (s.charCodeAt(end + 1) & 0xfc00) === 0xdc00 ? 2 : 1
  }
  return s.slice(0, end)
}

/**
 * `{ [key]: value }`, built by assignment: a literal with a computed key takes a slow runtime path in V8, which
 * 10,000 servers make noticeable. (A `__proto__` key, which assignment would take as the prototype, is defined.)
 */
function ownProperty(key: string, value: unknown): Json {
  const out: Json = {}
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
  return out
}

const isHttpTransport = (transport: unknown): boolean => transport === 'sse' || transport === 'streamable-http'

/**
 * Converts one ToolHive registry entry to an upstream `server.json`:
 * - `name`: the entry's own `name` if set, else the key; `io.github.stacklok/` is prefixed when it has no `/`;
 * - `description` as is (a description over 100 characters is cut, and kept whole in the extension); `version` {@link ToolHiveEntryVersion}; `repository_url` -> `repository`
 *   `{url, source: "github"}`;
 * - image entries: one OCI package (`identifier` = image, `transport.type` = transport, and for sse /
 *   streamable-http `transport.url` = `http://localhost[:target_port]`), `env_vars` -> `environmentVariables`;
 * - remote entries: one remote `{type: transport, url, headers}`;
 * - every other field (status, tier, tools, tags, metadata, permissions, provenance, args, custom_metadata,
 *   oauth_config, remote env_vars, a `target_port` of a stdio server, the entry's own `name`…) verbatim in
 *   `_meta["io.modelcontextprotocol.registry/publisher-provided"]["io.github.stacklok"][<image or url>]`.
 *
 * {@link fromUpstreamServer} inverts it exactly.
 *
 * @category conversion
 * @since 0.1.0
 */
export function fromToolHiveEntry(key: string, entry: Json, kind: ToolHiveEntryKind): Json {
  const ownName = typeof entry['name'] === 'string' ? entry['name'] : undefined
  const server: Json = { $schema: CurrentServerSchemaUrl, name: reverseDnsNameOf(ownName ?? key) }
  const description = entry['description']
  // ToolHive allows 500 characters, server.json 100: a longer description is cut here and kept whole in the extension.
  // Code points, as JSON Schema counts; a string has at least as many UTF-16 units, so short ones need no count.
  const tooLong = typeof description === 'string' && description.length > MAX_SERVER_DESCRIPTION && codePointLength(description) > MAX_SERVER_DESCRIPTION
  server['description'] = tooLong ? `${firstCodePoints(description, MAX_SERVER_DESCRIPTION - 1)}…` : description
  if (typeof entry['repository_url'] === 'string') server['repository'] = { url: entry['repository_url'], source: 'github' }
  server['version'] = ToolHiveEntryVersion

  const extension: Json = {}
  const mapped = MAPPED_FIELDS[kind]
  for (const field of Object.keys(entry)) {
    const value = entry[field]
    if (value !== undefined && (!mapped.has(field) || field === 'name')) extension[field] = value
  }
  if (tooLong) extension['description'] = description
  let extensionKey: string
  if (kind === 'image') {
    const image = String(entry['image'])
    const transport: Json = { type: entry['transport'] ?? 'stdio' }
    if (isHttpTransport(entry['transport'])) {
      transport['url'] = entry['target_port'] === undefined ? 'http://localhost' : `http://localhost:${String(entry['target_port'])}`
    } else if (entry['target_port'] !== undefined) {
      extension['target_port'] = entry['target_port']
    }
    const pkg: Json = { registryType: 'oci', identifier: image, transport }
    if (Array.isArray(entry['env_vars'])) pkg['environmentVariables'] = entry['env_vars'].map((e) => toUpstreamInput(e as Json))
    server['packages'] = [pkg]
    extensionKey = image
  } else {
    const url = String(entry['url'])
    const remote: Json = { type: entry['transport'], url }
    if (Array.isArray(entry['headers'])) remote['headers'] = entry['headers'].map((h) => toUpstreamInput(h as Json))
    server['remotes'] = [remote]
    extensionKey = url
  }
  if (ownName === undefined) delete extension['name']
  server['_meta'] = ownProperty(PublisherProvidedMetaKey, ownProperty(ToolHivePublisherNamespace, ownProperty(extensionKey, extension)))
  return server
}
