/** Upstream `server.json` -> ToolHive registry entries, reading ToolHive-only fields back from the extension block. */
import { ToolHiveImageServerCodec, ToolHiveRemoteServerCodec } from '@thv/registry-model'
import { toolHiveExtensionsOf, toolHiveKeyOf } from './meta-keys.js'
import type { ToolHiveEntryKind } from './toolhive-to-upstream.converter.js'

type Json = Record<string, unknown>

/**
 * One ToolHive registry entry converted from an upstream server: its map key, which map it belongs in
 * (`servers` for images, `remote_servers` for remotes) and the entry.
 *
 * @category conversion
 * @since 0.1.0
 */
export interface ToolHiveEntryResult {
  readonly key: string
  readonly kind: ToolHiveEntryKind
  readonly entry: Json
}

/**
 * Why an upstream server has no ToolHive form: it has neither an OCI package nor a remote (npm-, pypi- or
 * MCPB-only servers). The snapshot keeps such servers; only the ToolHive view leaves them out.
 *
 * @category conversion
 * @since 0.1.0
 */
export interface NotRepresentableInToolHive {
  readonly name: string
  readonly version: string
  readonly reason: string
}

const isRecord = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u)
const records = (u: unknown): Json[] => (Array.isArray(u) ? u.filter(isRecord) : [])

/** Upstream `KeyValueInput` field -> ToolHive env var / header field. */
const INPUT_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['name', 'name'], ['description', 'description'], ['isRequired', 'required'], ['isSecret', 'secret'],
  ['default', 'default'], ['choices', 'choices'],
]

function toToolHiveInput(input: Json, kind: 'env' | 'header'): Json {
  const out: Json = {}
  for (const [from, to] of INPUT_FIELDS) {
    if (from === 'choices' && kind === 'env') continue // ToolHive env vars have no choices
    if (input[from] !== undefined) out[to] = input[from]
  }
  if (out['required'] === undefined) out['required'] = false // required by the ToolHive schema
  if (typeof out['description'] !== 'string') out['description'] = String(input['name'] ?? '')
  return out
}

/** The fields a ToolHive entry may have (the ToolHive schema is closed); other extension fields are left out. */
const TOOLHIVE_FIELDS: Readonly<Record<ToolHiveEntryKind, ReadonlySet<string>>> = {
  image: new Set(Object.keys(ToolHiveImageServerCodec.props)),
  remote: new Set(Object.keys(ToolHiveRemoteServerCodec.props)),
}

const LOCALHOST_URL = /^http:\/\/localhost(?::([0-9]+))?\/?$/

/**
 * Converts an upstream `server.json` to a ToolHive entry; the inverse of {@link fromToolHiveEntry} on everything
 * that function produces. The key is the part of the name after the last `/`. An OCI package makes an image
 * entry (the first OCI package; `target_port` from a `http://localhost:<port>` transport URL); otherwise the
 * first remote makes a remote entry. The extension block keyed by the image or URL (else the first block, as
 * ToolHive does) supplies the ToolHive-only fields (those the ToolHive schema knows for the entry kind); missing required ToolHive fields get ToolHive's defaults
 * (`status` from the registry status, `tier` Community, `tools` []).
 *
 * @param officialStatus the registry-managed status (`deprecated` gives ToolHive status `Deprecated`).
 * @returns the entry, or why the server has no ToolHive form.
 * @category conversion
 * @since 0.1.0
 */
export function fromUpstreamServer(server: Json, officialStatus?: string): ToolHiveEntryResult | NotRepresentableInToolHive {
  const name = String(server['name'])
  const version = String(server['version'])
  const oci = records(server['packages']).find((p) => p['registryType'] === 'oci')
  const remote = records(server['remotes'])[0]
  if (oci === undefined && remote === undefined) {
    const types = records(server['packages']).map((p) => String(p['registryType']))
    return { name, version, reason: types.length === 0 ? 'no OCI package and no remote' : `no OCI package and no remote (packages: ${types.join(', ')})` }
  }
  const kind: ToolHiveEntryKind = oci !== undefined ? 'image' : 'remote'
  const extKey = String(oci !== undefined ? oci['identifier'] : remote?.['url'])
  const extensions = toolHiveExtensionsOf(server['_meta'])
  const extension = extensions[extKey] ?? Object.values(extensions)[0] ?? {}

  const entry: Json = {}
  entry['description'] = server['description']
  const repository = server['repository']
  if (isRecord(repository) && typeof repository['url'] === 'string') entry['repository_url'] = repository['url']
  if (oci !== undefined) {
    entry['image'] = oci['identifier']
    const transport = isRecord(oci['transport']) ? oci['transport'] : {}
    entry['transport'] = transport['type'] ?? 'stdio'
    const port = typeof transport['url'] === 'string' ? LOCALHOST_URL.exec(transport['url'])?.[1] : undefined
    if (port !== undefined) entry['target_port'] = Number(port)
    if (Array.isArray(oci['environmentVariables'])) entry['env_vars'] = records(oci['environmentVariables']).map((e) => toToolHiveInput(e, 'env'))
  } else if (remote !== undefined) {
    entry['url'] = remote['url']
    entry['transport'] = remote['type']
    if (Array.isArray(remote['headers'])) entry['headers'] = records(remote['headers']).map((h) => toToolHiveInput(h, 'header'))
  }
  for (const [field, value] of Object.entries(extension)) if (value !== undefined && TOOLHIVE_FIELDS[kind].has(field)) entry[field] = value
  if (entry['status'] === undefined) entry['status'] = officialStatus === 'deprecated' ? 'Deprecated' : 'Active'
  if (entry['tier'] === undefined) entry['tier'] = 'Community'
  if (entry['tools'] === undefined) entry['tools'] = []
  return { key: toolHiveKeyOf(name), kind, entry }
}

/**
 * Narrows a {@link fromUpstreamServer} result to the converted entry.
 *
 * @category conversion
 * @since 0.1.0
 */
export function isToolHiveEntryResult(r: ToolHiveEntryResult | NotRepresentableInToolHive): r is ToolHiveEntryResult {
  return 'entry' in r
}
