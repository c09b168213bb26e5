// A served snapshot of a registry with three sources and three views, each entry naming its source, for the
// claims-based authorization tests: the 12 fixture servers split by name into platform, community and secret.
import { AuthzClaimsExtensionKey, computeSnapshotHash, entryClaimsOf, ToolHivePublisherNamespace } from '@thv/converters'
import { decodeSnapshot, PublisherProvidedMetaKey, type RegistrySnapshot } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { fixtureSnapshot } from './snapshots.js'

export const SourceNames = ['platform', 'community', 'secret'] as const
export type SourceName = (typeof SourceNames)[number]

/** The snapshot, the server names of each source, and the one server whose entries carry their own claims. */
export interface ClaimsSnapshot {
  readonly snapshot: RegistrySnapshot
  readonly names: Readonly<Record<SourceName, readonly string[]>>
  /** A community server whose entries carry `authz_claims: {groups: admins}` (as a kubernetes source writes them). */
  readonly adminOnly: string
}

/** The entry with per-entry claims in ToolHive's extension block of its server.json, as a kubernetes source writes them. */
function withEntryClaims<T extends { server: { _meta?: unknown } }>(entry: T, claims: Record<string, unknown>): T {
  const meta = (entry.server._meta ?? {}) as Record<string, Record<string, Record<string, Record<string, unknown>>>>
  const provided = meta[PublisherProvidedMetaKey] ?? {}
  const blocks = provided[ToolHivePublisherNamespace] ?? {}
  const key = Object.keys(blocks)[0] ?? 'https://example.test/mcp'
  const block = { ...blocks[key], [AuthzClaimsExtensionKey]: claims }
  return { ...entry, server: { ...entry.server, _meta: { ...meta, [PublisherProvidedMetaKey]: { ...provided, [ToolHivePublisherNamespace]: { ...blocks, [key]: block } } } } }
}


/** Views: `all` (every source), `community-only`, `internal` (platform and secret). */
export function claimsSnapshot(): ClaimsSnapshot {
  const base = fixtureSnapshot()
  const all = [...new Set(base.servers.map((s) => s.server.name))].sort()
  const names = { platform: all.slice(0, 4), community: all.slice(4, 8), secret: all.slice(8) }
  const sourceOf = (name: string): number => SourceNames.findIndex((s) => names[s].includes(name))
  const adminOnly = names.community[0] as string
  const servers = base.servers.map((e) => (e.server.name === adminOnly ? withEntryClaims(e, { groups: 'admins' }) : e))
  if (entryClaimsOf(servers.find((e) => e.server.name === adminOnly)?.server ?? {}) === undefined) throw new Error('Test entry claims are not where the converters read them')
  const indexesOf = (sources: readonly SourceName[]) =>
    servers.map((s, i) => [i, SourceNames[sourceOf(s.server.name)] as SourceName] as const).filter(([, s]) => sources.includes(s)).map(([i]) => i)
  const body = {
    ...base,
    servers,
    views: [
      { name: 'all', sources: ['platform', 'community', 'secret'] },
      { name: 'community-only', sources: ['community'], entries: indexesOf(['community']) },
      { name: 'internal', sources: ['platform', 'secret'], entries: indexesOf(['platform', 'secret']) },
    ],
    sources: SourceNames.map((name) => ({ name, served: names[name].length, shadowed: 0 })),
    entrySources: servers.map((s) => sourceOf(s.server.name)),
  }
  const { hash: _hash, ...unhashed } = body
  const decoded = decodeSnapshot({ ...unhashed, hash: computeSnapshotHash(unhashed as Omit<RegistrySnapshot, 'hash'>) })
  if (E.isLeft(decoded)) throw new Error(`Test snapshot breaks the contract: ${decoded.left.message}`)
  return { snapshot: decoded.right, names, adminOnly }
}
