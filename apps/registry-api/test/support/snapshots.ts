// Snapshots for the API tests, written by hand from the real upstream fixture (ToolHive's 2025-12-11 example).
import { createHash } from 'node:crypto'
import { computeSnapshotHash } from '@thv/converters'
import { decodeSnapshot, type RegistrySnapshot } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import type { ServedServerResponse } from '../../src/snapshot/served-snapshot.js'
import { readFixture } from './fixtures.js'

/** A server.json object as the fixture holds it. */
export type ServerJson = { readonly name: string; readonly version: string; readonly [key: string]: unknown }

/** The 12 real server.json documents of `toolhive-upstream-registry-2025-12-11.json`. */
export function fixtureServers(): ServerJson[] {
  const doc = readFixture('toolhive-upstream-registry-2025-12-11.json') as { data: { servers: ServerJson[] } }
  return doc.data.servers
}

/** One server version for a snapshot: `{server, _meta}` with the official block. */
export interface VersionSpec {
  readonly server: ServerJson
  readonly status?: 'active' | 'deprecated' | 'deleted'
  readonly publishedAt: string
  readonly updatedAt: string
  readonly isLatest: boolean
}

/** Builds `{server, _meta}`. */
export function serverResponse(v: VersionSpec): ServedServerResponse {
  return {
    server: v.server,
    _meta: {
      'io.modelcontextprotocol.registry/official': {
        status: v.status ?? 'active', publishedAt: v.publishedAt, updatedAt: v.updatedAt, isLatest: v.isLatest,
      },
    },
  }
}

/**
 * An item as the API serves it: the official `_meta` block always carries `statusChangedAt` (the stored one, else
 * `publishedAt`), placed right after `status` as the upstream registry places it.
 */
export function served(item: ServedServerResponse): ServedServerResponse {
  const { status, statusChangedAt, publishedAt, ...rest } = item._meta['io.modelcontextprotocol.registry/official']
  return { ...item, _meta: { ...item._meta, 'io.modelcontextprotocol.registry/official': { status, statusChangedAt: statusChangedAt ?? publishedAt, publishedAt, ...rest } } }
}

const minute = (base: string, n: number): string => new Date(Date.parse(base) + n * 60_000).toISOString()

/**
 * Sorts by (name, version) code-unit order and adds the hash, as the snapshot contract requires; the result is
 * checked with the model's snapshot decoder, so these hand-written snapshots obey the contract.
 */
export function snapshotOf(servers: ServedServerResponse[], name = 'fixture', deployedServers: RegistrySnapshot['deployedServers'] = []): RegistrySnapshot {
  const sorted = [...servers].sort((a, b) =>
    a.server.name !== b.server.name ? (a.server.name < b.server.name ? -1 : 1) : a.server.version < b.server.version ? -1 : a.server.version > b.server.version ? 1 : 0)
  const body = {
    schemaVersion: 1 as const,
    registry: { name, namespace: 'toolhive-system', source: { type: 'file', ref: 'fixture.json' }, format: 'upstream',
      sourceHash: createHash('sha256').update(JSON.stringify(sorted)).digest('hex'), syncedAt: '2025-11-26T00:30:00Z' },
    servers: sorted,
    deployedServers,
  }
  const decoded = decodeSnapshot({ ...body, hash: computeSnapshotHash(body as Omit<RegistrySnapshot, 'hash'>) })
  if (E.isLeft(decoded)) throw new Error(`Test snapshot breaks the contract: ${decoded.left.message}`)
  return decoded.right
}

/** The base timestamp of the fixture (`meta.last_updated`). */
export const FixtureTime = '2025-11-26T00:27:46Z'

/**
 * The 12 fixture servers (version 1.0.0, updated one minute apart) plus, for `io.github.stacklok/fetch`,
 * an older `0.9.0`, a build-metadata version `1.0.1+build.7` (the latest) and a deleted `0.1.0`; and a
 * deprecated older version `0.5.0` of `io.github.stacklok/github`.
 */
export function fixtureSnapshot(): RegistrySnapshot {
  const servers = fixtureServers()
  const responses = servers.map((server, i) => serverResponse({
    server, publishedAt: FixtureTime, updatedAt: minute(FixtureTime, i), isLatest: server.name !== 'io.github.stacklok/fetch',
  }))
  const fetch = servers.find((s) => s.name === 'io.github.stacklok/fetch') as ServerJson
  const github = servers.find((s) => s.name === 'io.github.stacklok/github') as ServerJson
  responses.push(
    serverResponse({ server: { ...fetch, version: '0.9.0' }, publishedAt: minute(FixtureTime, -60), updatedAt: minute(FixtureTime, -60), isLatest: false }),
    serverResponse({ server: { ...fetch, version: '1.0.1+build.7' }, publishedAt: minute(FixtureTime, 30), updatedAt: minute(FixtureTime, 30), isLatest: true }),
    serverResponse({ server: { ...fetch, version: '0.1.0' }, status: 'deleted', publishedAt: minute(FixtureTime, -120), updatedAt: minute(FixtureTime, 40), isLatest: false }),
    serverResponse({ server: { ...github, version: '0.5.0' }, status: 'deprecated', publishedAt: minute(FixtureTime, -90), updatedAt: minute(FixtureTime, -90), isLatest: false }),
  )
  return snapshotOf(responses, 'fixture', [
    { name: 'fetch-prod', namespace: 'team-a', serverName: 'io.github.stacklok/fetch', image: 'ghcr.io/stacklok/dockyard/uvx/fetch:1.0.0', transport: 'streamable-http', phase: 'Running', ready: true, endpoint: 'http://fetch-prod.team-a.svc.cluster.local:8080' },
  ])
}

/**
 * A bigger snapshot for pagination: each fixture server in versions 1.0.0 … 1.0.10 (so `1.0.10` sorts before
 * `1.0.2`), 132 items, `1.0.10` latest.
 */
export function manyVersionsSnapshot(): RegistrySnapshot {
  const responses: ServedServerResponse[] = []
  fixtureServers().forEach((server, i) => {
    for (let patch = 0; patch <= 10; patch++) {
      const at = minute(FixtureTime, i * 11 + patch)
      responses.push(serverResponse({ server: { ...server, version: `1.0.${patch}` }, publishedAt: at, updatedAt: at, isLatest: patch === 10 }))
    }
  })
  return snapshotOf(responses, 'many')
}

/**
 * A served snapshot of a registry with two sources: `platform` (the fixture's first six servers) and `community`
 * (the rest, plus its own copy of platform's first server, which `all` shadows and `community-only` serves).
 */
export function multiViewSnapshot(): RegistrySnapshot {
  const base = fixtureSnapshot()
  const names = [...new Set(base.servers.map((s) => s.server.name))]
  const platformNames = new Set(names.slice(0, 6))
  const platform = base.servers.filter((s) => platformNames.has(s.server.name))
  const community = base.servers.filter((s) => !platformNames.has(s.server.name))
  const first = platform[0] as RegistrySnapshot['servers'][number]
  const communityCopy = { ...first, server: { ...first.server, description: 'the community copy' } }
  const servers = [...platform, ...community]
  const body = {
    ...base,
    servers,
    views: [
      { name: 'all', sources: ['platform', 'community'] },
      { name: 'community-only', sources: ['community'], entries: [...community.map((_, i) => platform.length + i), servers.length] },
    ],
    extraServers: [communityCopy],
    sources: [{ name: 'platform', served: 6, shadowed: 0 }, { name: 'community', served: names.length - 6, shadowed: 1 }],
  }
  const { hash: _hash, ...unhashed } = body
  const decoded = decodeSnapshot({ ...unhashed, hash: computeSnapshotHash(unhashed as Omit<RegistrySnapshot, 'hash'>) })
  if (E.isLeft(decoded)) throw new Error(`Test snapshot breaks the contract: ${decoded.left.message}`)
  return decoded.right
}
