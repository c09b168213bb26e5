/**
 * `spec.sources[]` and `spec.registries[]` of an MCPRegistry with several sources, in ToolHive's typed-era field
 * names (`configMapRef`, `registries`, `claims`), plus `configmap` (the single-source shape) for a ConfigMap.
 * The codecs live in `mcpregistry.codec.ts` (the spec codec composes them); this module adds the helpers that
 * read them.
 */
import { createHash } from 'node:crypto'
import type * as E from 'fp-ts/lib/Either.js'
import { decodeWith, type DecodeFailure } from './decode-failure.js'
import {
  DefaultSourceName, MultiSourceCodec, type MCPRegistry, type MCPRegistrySource, type MCPRegistrySourceEntry, type MultiSource,
  type RegistryView, type SingleSourceRegistry,
} from './mcpregistry.codec.js'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Decodes `{sources, registries?}`; the Left names every offending path. @category utils @since 0.2.0 */
export const decodeMultiSource: (u: unknown) => E.Either<DecodeFailure, MultiSource> = decodeWith(MultiSourceCodec)

/**
 * The one source of a single-source registry as a `spec.sources[]` entry named {@link DefaultSourceName}
 * (its kind block under its `type`; the same format).
 *
 * @category utils
 * @since 0.2.0
 */
export function defaultSourceEntry(source: MCPRegistrySource): MCPRegistrySourceEntry {
  const { type, format, ...blocks } = source
  return { name: DefaultSourceName, ...(format === undefined ? {} : { format }), [type]: blocks[type] } as MCPRegistrySourceEntry
}

/**
 * The views of a registry: `spec.registries` when given, else one view named {@link DefaultSourceName} over all
 * sources in order. The first is the one the unprefixed API paths serve.
 *
 * @category utils
 * @since 0.2.0
 */
export function viewsOf(m: { readonly sources: ReadonlyArray<{ readonly name: string }>; readonly registries?: ReadonlyArray<RegistryView> | undefined }): RegistryView[] {
  return m.registries !== undefined ? [...m.registries] : [{ name: DefaultSourceName, sources: m.sources.map((s) => s.name) }]
}

/**
 * The `spec.source` a source entry means (`configMapRef` becomes a `configmap` source in the registry's
 * namespace), or `undefined` for the kinds no handler implements yet (`managed`).
 *
 * @category utils
 * @since 0.2.0
 */
export function sourceOfEntry(entry: MCPRegistrySourceEntry): MCPRegistrySource | undefined {
  const format = entry.format === undefined ? {} : { format: entry.format }
  if (entry.configMapRef !== undefined) return { type: 'configmap', ...format, configmap: { name: entry.configMapRef.name, key: entry.configMapRef.key } }
  if (entry.configmap !== undefined) return { type: 'configmap', ...format, configmap: entry.configmap }
  if (entry.url !== undefined) return { type: 'url', ...format, url: entry.url }
  if (entry.git !== undefined) return { type: 'git', ...format, git: entry.git }
  if (entry.api !== undefined) return { type: 'api', ...format, api: entry.api }
  if (entry.kubernetes !== undefined) return { type: 'kubernetes', kubernetes: entry.kubernetes }
  return undefined
}

/**
 * One source of a registry with `spec.sources`, presented as a single-source registry for a source handler: its
 * `spec.source` is the entry's kind block, its filter the entry's own (the global `spec.filter` applies to the
 * merge, not here), its sync policy the entry's or else the registry's. `undefined` when {@link sourceOfEntry} is.
 *
 * @category utils
 * @since 0.2.0
 */
export function sourceRegistry(registry: MCPRegistry, entry: MCPRegistrySourceEntry): SingleSourceRegistry | undefined {
  const source = sourceOfEntry(entry)
  if (source === undefined) return undefined
  const { sources: _sources, registries: _registries, filter: _filter, syncPolicy, ...rest } = registry.spec
  const policy = entry.syncPolicy ?? syncPolicy
  return {
    ...registry,
    spec: { ...rest, source, ...(entry.filter === undefined ? {} : { filter: entry.filter }), ...(policy === undefined ? {} : { syncPolicy: policy }) },
  }
}

/**
 * A fingerprint of what a source entry fetches and how it filters (its kind block, format and filter; not its
 * claims or sync policy): the operator re-syncs a source when this changes.
 *
 * @category utils
 * @since 0.2.0
 */
export function sourceSpecHash(entry: MCPRegistrySourceEntry): string {
  const { claims: _claims, syncPolicy: _policy, ...fetched } = entry
  return createHash('sha256').update(stableJson(fetched)).digest('hex').slice(0, 16)
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
