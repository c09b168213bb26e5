/** Importing the 2025-05-16 snake_case registry seed into current `server.json`, reporting what was dropped. */
import { CurrentServerSchemaUrl } from '@thv/registry-model'

type Json = Record<string, unknown>

/**
 * How each legacy (pre-2025-07) field maps onto the 2025-12-11 `server.json`.
 * `null` means the field has no counterpart and is dropped for every entry.
 *
 * @category legacy
 * @since 0.1.0
 */
export const LegacyFieldMapping: Readonly<Record<string, string | null>> = {
  id: null,
  name: 'name',
  description: 'description',
  'repository.{url,source,id}': 'repository.{url,source,id}',
  'version_detail.version': 'version',
  'version_detail.release_date': '_meta["io.modelcontextprotocol.registry/official"].publishedAt',
  'version_detail.is_latest': '_meta["io.modelcontextprotocol.registry/official"].isLatest (recomputed)',
  'packages[].registry_name': 'packages[].registryType (docker -> oci; unknown is dropped)',
  'packages[].name': 'packages[].identifier (OCI: name:version)',
  'packages[].version': 'packages[].version (not for OCI)',
  'packages[].runtime_hint': 'packages[].runtimeHint',
  'packages[].runtime_arguments': 'packages[].runtimeArguments',
  'packages[].package_arguments': 'packages[].packageArguments',
  'packages[].environment_variables': 'packages[].environmentVariables',
  '(none)': 'packages[].transport = {type: "stdio"}',
  'remotes[].transport_type': 'remotes[].type (streamable -> streamable-http)',
  'remotes[].url': 'remotes[].url',
  'remotes[].headers': 'remotes[].headers',
  '*.is_required / is_secret / value_hint / is_repeated': '*.isRequired / isSecret / valueHint / isRepeated',
}

/**
 * One legacy entry after import: the `server.json` (or `undefined` when skipped), its publish time, and the notes
 * saying what could not be carried and why (`packages/1: registry_name "unknown" has no upstream registryType;
 * package dropped`). An entry with notes but a server was imported with losses.
 *
 * @category legacy
 * @since 0.1.0
 */
export interface LegacyEntryReport {
  /** Index of the entry in the seed array. */
  readonly index: number
  readonly name: string | undefined
  readonly version: string | undefined
  readonly outcome: 'imported' | 'skipped'
  readonly notes: ReadonlyArray<string>
  /** The converted server (absent when skipped). */
  readonly server?: Json
  /** `version_detail.release_date` when it is a valid date-time. */
  readonly publishedAt?: string
}

const isRecord = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u)
const nonEmpty = (u: unknown): u is string => typeof u === 'string' && u.length > 0

const SERVER_NAME = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/
const MAX_DESCRIPTION = 100
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/

/** snake_case input/argument keys and their camelCase names; anything else in an input is reported and dropped. */
const INPUT_KEYS: Readonly<Record<string, string>> = {
  name: 'name', description: 'description', is_required: 'isRequired', is_secret: 'isSecret', format: 'format',
  value: 'value', default: 'default', choices: 'choices', type: 'type', value_hint: 'valueHint',
  is_repeated: 'isRepeated', variables: 'variables', placeholder: 'placeholder',
}

function convertInput(input: unknown, path: string, notes: string[]): Json | undefined {
  if (!isRecord(input)) {
    notes.push(`${path}: not an object; dropped`)
    return undefined
  }
  const out: Json = {}
  for (const [k, v] of Object.entries(input)) {
    const to = INPUT_KEYS[k]
    if (to === undefined) notes.push(`${path}/${k}: unknown field dropped`)
    else if (v !== undefined && v !== null) out[to] = to === 'variables' && isRecord(v) ? convertVariables(v, `${path}/${k}`, notes) : v
  }
  return out
}

function convertVariables(vars: Json, path: string, notes: string[]): Json {
  const out: Json = {}
  for (const [k, v] of Object.entries(vars)) {
    const c = convertInput(v, `${path}/${k}`, notes)
    if (c !== undefined) out[k] = c
  }
  return out
}

function convertInputs(list: unknown, path: string, notes: string[], kind: 'argument' | 'keyValue'): Json[] {
  if (!Array.isArray(list)) {
    notes.push(`${path}: not an array; dropped`)
    return []
  }
  const out: Json[] = []
  list.forEach((item, i) => {
    const c = convertInput(item, `${path}/${i}`, notes)
    if (c === undefined) return
    if (kind === 'keyValue' && !nonEmpty(c['name'])) return void notes.push(`${path}/${i}: no name; dropped`)
    if (kind === 'argument') {
      if (c['type'] === 'named' && !nonEmpty(c['name'])) return void notes.push(`${path}/${i}: named argument without a name; dropped`)
      if (c['type'] === 'positional' && c['valueHint'] === undefined && c['value'] === undefined) {
        return void notes.push(`${path}/${i}: positional argument without value or value_hint; dropped`)
      }
      if (c['type'] !== 'named' && c['type'] !== 'positional') return void notes.push(`${path}/${i}: argument type ${JSON.stringify(c['type'])} unknown; dropped`)
    }
    out.push(c)
  })
  return out
}

const REGISTRY_TYPES: Readonly<Record<string, string>> = { docker: 'oci', npm: 'npm', pypi: 'pypi', nuget: 'nuget', oci: 'oci', mcpb: 'mcpb' }

function convertPackage(pkg: unknown, path: string, notes: string[]): Json | undefined {
  if (!isRecord(pkg)) return void notes.push(`${path}: not an object; dropped`)
  const registryName = pkg['registry_name']
  const registryType = typeof registryName === 'string' ? REGISTRY_TYPES[registryName] : undefined
  if (registryType === undefined) {
    return void notes.push(`${path}: registry_name ${JSON.stringify(registryName)} has no upstream registryType; package dropped`)
  }
  if (!nonEmpty(pkg['name'])) return void notes.push(`${path}: no package name; package dropped`)
  const version = nonEmpty(pkg['version']) ? pkg['version'] : undefined
  const out: Json = { registryType }
  if (registryType === 'oci') {
    const hasTag = /:[^/]+$/.test(pkg['name']) || pkg['name'].includes('@')
    out['identifier'] = version !== undefined && !hasTag ? `${pkg['name']}:${version}` : pkg['name']
    if (version !== undefined && !hasTag) notes.push(`${path}: OCI image tag taken from version ${JSON.stringify(version)}`)
  } else {
    out['identifier'] = pkg['name']
    if (version === undefined) notes.push(`${path}: no package version`)
    else if (version === 'latest') notes.push(`${path}: version "latest" is not allowed upstream; dropped`)
    else out['version'] = version
  }
  out['transport'] = { type: 'stdio' }
  for (const [k, v] of Object.entries(pkg)) {
    if (v === undefined || v === null) continue
    if (k === 'runtime_hint') {
      if (nonEmpty(v)) out['runtimeHint'] = v
    } else if (k === 'runtime_arguments') out['runtimeArguments'] = convertInputs(v, `${path}/${k}`, notes, 'argument')
    else if (k === 'package_arguments') out['packageArguments'] = convertInputs(v, `${path}/${k}`, notes, 'argument')
    else if (k === 'environment_variables') out['environmentVariables'] = convertInputs(v, `${path}/${k}`, notes, 'keyValue')
    else if (k !== 'registry_name' && k !== 'name' && k !== 'version') notes.push(`${path}/${k}: unknown field dropped`)
  }
  return out
}

const REMOTE_TYPES: Readonly<Record<string, string>> = { streamable: 'streamable-http', 'streamable-http': 'streamable-http', sse: 'sse' }

function convertRemote(remote: unknown, path: string, notes: string[]): Json | undefined {
  if (!isRecord(remote)) return void notes.push(`${path}: not an object; dropped`)
  const tt = remote['transport_type']
  const type = typeof tt === 'string' ? REMOTE_TYPES[tt] : undefined
  if (type === undefined) return void notes.push(`${path}: transport_type ${JSON.stringify(tt)} unknown; remote dropped`)
  const url = remote['url']
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) return void notes.push(`${path}: url ${JSON.stringify(url)} is not an http(s) URL; remote dropped`)
  const out: Json = { type, url }
  for (const [k, v] of Object.entries(remote)) {
    if (k === 'headers' && v !== undefined && v !== null) out['headers'] = convertInputs(v, `${path}/headers`, notes, 'keyValue')
    else if (k !== 'transport_type' && k !== 'url') notes.push(`${path}/${k}: unknown field dropped`)
  }
  return out
}

function importEntry(entry: unknown, index: number): LegacyEntryReport {
  const notes: string[] = []
  if (!isRecord(entry)) return { index, name: undefined, version: undefined, outcome: 'skipped', notes: ['not an object'] }
  const name = typeof entry['name'] === 'string' ? entry['name'] : undefined
  const detail = isRecord(entry['version_detail']) ? entry['version_detail'] : {}
  const version = typeof detail['version'] === 'string' ? detail['version'] : undefined
  const skip = (why: string): LegacyEntryReport => ({ index, name, version, outcome: 'skipped', notes: [...notes, why] })
  if (!nonEmpty(name)) return skip('name: missing or empty; entry skipped')
  if (!SERVER_NAME.test(name) || name.length > 200) return skip(`name: ${JSON.stringify(name)} is not a valid namespace/name; entry skipped`)
  if (!nonEmpty(version)) return skip('version_detail/version: missing or empty; entry skipped')
  if (version.length > 255) return skip('version_detail/version: longer than 255 characters; entry skipped')

  const server: Json = { $schema: CurrentServerSchemaUrl, name }
  const description = typeof entry['description'] === 'string' ? entry['description'] : ''
  if (description.length === 0) {
    server['description'] = name
    notes.push('description: empty; replaced by the name')
  } else if (Array.from(description).length > MAX_DESCRIPTION) {
    server['description'] = `${Array.from(description).slice(0, MAX_DESCRIPTION - 1).join('')}…`
    notes.push(`description: ${Array.from(description).length} characters, cut to ${MAX_DESCRIPTION}`)
  } else server['description'] = description
  server['version'] = version

  const repo = entry['repository']
  if (isRecord(repo)) {
    if (nonEmpty(repo['url']) && nonEmpty(repo['source'])) {
      const r: Json = { url: repo['url'], source: repo['source'] }
      if (nonEmpty(repo['id'])) r['id'] = repo['id']
      server['repository'] = r
    } else notes.push('repository: url or source empty; dropped')
  }
  let publishedAt: string | undefined
  const releaseDate = detail['release_date']
  if (typeof releaseDate === 'string' && RFC3339.test(releaseDate)) publishedAt = releaseDate
  else if (releaseDate !== undefined) notes.push(`version_detail/release_date: ${JSON.stringify(releaseDate)} is not a date-time; dropped`)

  if (entry['packages'] !== undefined) {
    const packages = Array.isArray(entry['packages'])
      ? entry['packages'].flatMap((p, i) => convertPackage(p, `packages/${i}`, notes) ?? [])
      : (notes.push('packages: not an array; dropped'), [])
    if (packages.length > 0) server['packages'] = packages
  }
  if (entry['remotes'] !== undefined) {
    const remotes = Array.isArray(entry['remotes'])
      ? entry['remotes'].flatMap((r, i) => convertRemote(r, `remotes/${i}`, notes) ?? [])
      : (notes.push('remotes: not an array; dropped'), [])
    if (remotes.length > 0) server['remotes'] = remotes
  }
  const known = new Set(['id', 'name', 'description', 'repository', 'version_detail', 'packages', 'remotes'])
  for (const k of Object.keys(entry)) if (!known.has(k)) notes.push(`${k}: unknown field dropped`)
  return { index, name, version, outcome: 'imported', notes, server, ...(publishedAt === undefined ? {} : { publishedAt }) }
}

/**
 * Imports the legacy 2025-05-16 snake_case seed (an array of entries with `version_detail`, `registry_name`…)
 * into 2025-12-11 `server.json` objects, one report per input entry (same order). Entries without a valid name or
 * a version are skipped; an entry repeating an earlier (name, version) is skipped. Fields without a counterpart
 * are dropped and named in the entry's notes (see {@link LegacyFieldMapping}; `id` is always dropped and not
 * repeated in the notes). Never throws.
 *
 * @example
 * importLegacy(seed).filter((r) => r.outcome === 'skipped').map((r) => `${r.index}: ${r.notes.join('; ')}`)
 * @category legacy
 * @since 0.1.0
 */
export function importLegacy(seed: unknown): LegacyEntryReport[] {
  if (!Array.isArray(seed)) return [{ index: 0, name: undefined, version: undefined, outcome: 'skipped', notes: ['the seed is not an array'] }]
  const seen = new Set<string>()
  return seed.map((entry, index) => {
    const report = importEntry(entry, index)
    if (report.outcome === 'skipped') return report
    const id = `${report.name ?? ''}@${report.version ?? ''}`
    if (seen.has(id)) {
      const { server: _server, publishedAt: _publishedAt, ...rest } = report
      return { ...rest, outcome: 'skipped', notes: [...report.notes, `duplicate of an earlier ${report.name ?? ''} version ${report.version ?? ''}; entry skipped`] }
    }
    seen.add(id)
    return report
  })
}
