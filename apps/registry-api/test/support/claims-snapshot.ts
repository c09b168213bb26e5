// A served snapshot of a registry with three sources and three views, each entry naming its source, for the
// claims-based authorization tests: the 12 fixture servers split by name into platform, community and secret.
import { computeSnapshotHash } from '@thv/converters'
import { decodeSnapshot, type RegistrySnapshot } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { fixtureSnapshot } from './snapshots.js'

export const SourceNames = ['platform', 'community', 'secret'] as const
export type SourceName = (typeof SourceNames)[number]

/** The snapshot, and the server names of each source. */
export interface ClaimsSnapshot {
  readonly snapshot: RegistrySnapshot
  readonly names: Readonly<Record<SourceName, readonly string[]>>
}

/** Views: `all` (every source), `community-only`, `internal` (platform and secret). */
export function claimsSnapshot(): ClaimsSnapshot {
  const base = fixtureSnapshot()
  const all = [...new Set(base.servers.map((s) => s.server.name))].sort()
  const names = { platform: all.slice(0, 4), community: all.slice(4, 8), secret: all.slice(8) }
  const sourceOf = (name: string): number => SourceNames.findIndex((s) => names[s].includes(name))
  const servers = base.servers
  const indexesOf = (sources: readonly SourceName[]) =>
    servers.map((s, i) => [i, SourceNames[sourceOf(s.server.name)] as SourceName] as const).filter(([, s]) => sources.includes(s)).map(([i]) => i)
  const body = {
    ...base,
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
  return { snapshot: decoded.right, names }
}
