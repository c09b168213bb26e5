/**
 * The ToolHive namespaces inside `_meta` and the ToolHive key of a server name. The `_meta` keys themselves
 * (`OfficialMetaKey`, `PublisherProvidedMetaKey`) belong to @thv/registry-model.
 */
import { ClaimsCodec, PublisherProvidedMetaKey } from '@thv/registry-model'

/**
 * Namespace inside the publisher-provided block where ToolHive keeps its own fields, keyed by image or URL
 * (ToolHive's `ToolHivePublisherNamespace`).
 *
 * @category meta
 * @since 0.1.0
 */
export const ToolHivePublisherNamespace = 'io.github.stacklok'

/**
 * Reverse-DNS namespace that ToolHive gives an entry whose own name has no `/` (`fetch` -> `io.github.stacklok/fetch`).
 *
 * @category meta
 * @since 0.1.0
 */
export const ToolHiveNameNamespace = 'io.github.stacklok'

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)

/**
 * The ToolHive extension blocks of a `server.json` `_meta`, keyed by image reference or URL; `{}` when absent.
 *
 * @category meta
 * @since 0.1.0
 */
export function toolHiveExtensionsOf(meta: unknown): Readonly<Record<string, Record<string, unknown>>> {
  if (!isRecord(meta)) return {}
  const provided = meta[PublisherProvidedMetaKey]
  if (!isRecord(provided)) return {}
  const ns = provided[ToolHivePublisherNamespace]
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
  return name.includes('/') ? name : `${ToolHiveNameNamespace}/${name}`
}

/**
 * Key, inside ToolHive's extension block of an entry, of the claims a caller needs to see that entry (a
 * `kubernetes` source fills it from a workload's `toolhive.stacklok.dev/authz-claims` annotation). The ToolHive
 * document leaves it out (its schema has no such field).
 *
 * @category meta
 * @since 0.2.0
 */
export const AuthzClaimsExtensionKey = 'authz_claims'

/**
 * The per-entry claims of a `server.json` (see {@link AuthzClaimsExtensionKey}): claim name to a value or a list of
 * values; `undefined` when the entry carries none.
 *
 * @category meta
 * @since 0.2.0
 */
export function entryClaimsOf(server: { readonly _meta?: unknown }): Readonly<Record<string, string | readonly string[]>> | undefined {
  for (const block of Object.values(toolHiveExtensionsOf(server._meta))) {
    const claims = block[AuthzClaimsExtensionKey]
    if (ClaimsCodec.is(claims)) return claims
  }
  return undefined
}
