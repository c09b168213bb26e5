/** The `_meta` keys and namespaces that carry registry-managed and ToolHive-specific data. */

/**
 * `_meta` key of the publisher-provided block in `server.json`, the only `_meta` key the official registry keeps.
 *
 * @category meta
 * @since 0.1.0
 */
export const PUBLISHER_PROVIDED_META_KEY = 'io.modelcontextprotocol.registry/publisher-provided'

/**
 * Namespace inside the publisher-provided block where ToolHive keeps its own fields, keyed by image or URL
 * (ToolHive's `ToolHivePublisherNamespace`).
 *
 * @category meta
 * @since 0.1.0
 */
export const TOOLHIVE_PUBLISHER_NAMESPACE = 'io.github.stacklok'

/**
 * `_meta` key of the registry-managed block in API responses (`status`, `publishedAt`, `updatedAt`, `isLatest`).
 *
 * @category meta
 * @since 0.1.0
 */
export const OFFICIAL_META_KEY = 'io.modelcontextprotocol.registry/official'

/**
 * Reverse-DNS namespace that ToolHive gives an entry whose own name has no `/` (`fetch` -> `io.github.stacklok/fetch`).
 *
 * @category meta
 * @since 0.1.0
 */
export const TOOLHIVE_NAME_NAMESPACE = 'io.github.stacklok'

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)

/**
 * The ToolHive extension blocks of a `server.json` `_meta`, keyed by image reference or URL; `{}` when absent.
 *
 * @category meta
 * @since 0.1.0
 */
export function toolHiveExtensionsOf(meta: unknown): Readonly<Record<string, Record<string, unknown>>> {
  if (!isRecord(meta)) return {}
  const provided = meta[PUBLISHER_PROVIDED_META_KEY]
  if (!isRecord(provided)) return {}
  const ns = provided[TOOLHIVE_PUBLISHER_NAMESPACE]
  if (!isRecord(ns)) return {}
  const out: Record<string, Record<string, unknown>> = {}
  for (const [key, value] of Object.entries(ns)) if (isRecord(value)) out[key] = value
  return out
}

/**
 * The ToolHive key of an upstream server name: the part after the last `/` (`io.github.stacklok/fetch` -> `fetch`),
 * lower-cased, with each run of characters other than `a-z`, `0-9` and `-` replaced by `-` (ToolHive keys match
 * `^[a-z0-9][a-z0-9-]+[a-z0-9]$`), leading and trailing `-` removed. Keys of ToolHive entries come back unchanged.
 *
 * @category meta
 * @since 0.1.0
 */
export function toolHiveKeyOf(name: string): string {
  const slash = name.lastIndexOf('/')
  return sanitizeKey(slash < 0 ? name : name.slice(slash + 1))
}

/**
 * Makes any string a ToolHive-style key: lower case, runs of other characters than `a-z0-9-` become `-`,
 * no leading or trailing `-`.
 *
 * @category meta
 * @since 0.1.0
 */
export function sanitizeKey(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')
}

/**
 * The upstream name ToolHive gives a registry entry: the name itself when it contains `/`, else
 * `io.github.stacklok/<name>` (ToolHive's `BuildReverseDNSName`).
 *
 * @category meta
 * @since 0.1.0
 */
export function reverseDnsNameOf(name: string): string {
  return name.includes('/') ? name : `${TOOLHIVE_NAME_NAMESPACE}/${name}`
}
