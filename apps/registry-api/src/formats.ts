/** The API's bindings to @thv/converters and @thv/registry-model: building, checking and rendering snapshots. */
import { buildSnapshot, ToolHiveEntryStream, toolHiveTail, type PreviousVersions } from '@thv/converters'
import { decodeParsedSnapshot, OfficialMetaKey, type RegistrySnapshot, type ServerResponse } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type { SnapshotBuildFailure, SnapshotBuilder } from './snapshot/file-snapshot.loader.js'
import type { ToolHiveRenderer } from './snapshot/toolhive-renderer.js'

/** Identity of a registry served from a file (`registry` block of its snapshot). */
export interface FileRegistryIdentity {
  readonly name: string
  readonly namespace: string
  readonly path: string
}

/**
 * A builder for `--file` mode: any supported format (ToolHive, upstream array/list/wrapper, legacy seed) becomes
 * a snapshot through `buildSnapshot`. Publish times the file does not give stay stable across reloads (the
 * previous snapshot's publish times are passed in), so an unchanged file keeps its hash. Only those times are
 * kept between loads, not the snapshot: the served view holds the data. They are kept as deflated JSON (about
 * 20 bytes per version instead of three objects of about 300 bytes) and parsed again on the next load.
 */
export function fileSnapshotBuilder(identity: FileRegistryIdentity, now: () => Date): SnapshotBuilder<RegistrySnapshot> {
  let previous: Buffer | undefined
  return (raw) => {
    const built = buildFileSnapshot(raw, identity, now(), previous)
    if (E.isLeft(built)) return built
    previous = built.right.publishTimes
    return E.right(built.right.snapshot)
  }
}

/** A snapshot built from a registry file, and its publish times as deflated JSON (for the next build of that file). */
export interface FileSnapshot {
  readonly snapshot: RegistrySnapshot
  readonly publishTimes: Buffer
}

/**
 * Builds the snapshot of a registry file's bytes (any supported format) at `now`; `previous`: the publish times of the
 * file's last snapshot, as `FileSnapshot.publishTimes`.
 */
export function buildFileSnapshot(raw: Uint8Array, identity: FileRegistryIdentity, now: Date, previous: Buffer | undefined): E.Either<SnapshotBuildFailure, FileSnapshot> {
  const built = buildSnapshot({
    raw,
    registry: { name: identity.name, namespace: identity.namespace, source: { type: 'file', ref: identity.path } },
    now,
    previous: previous === undefined ? undefined : (JSON.parse(inflateRawSync(previous).toString('utf8')) as PreviousVersions),
  })
  if (E.isLeft(built)) return E.left({ message: built.left.message })
  return E.right({ snapshot: built.right, publishTimes: deflateRawSync(JSON.stringify(publishTimesOf(built.right)), { level: 1 }) })
}

/**
 * Checks a snapshot read from storage against the snapshot codec before it is served. The value was just parsed
 * for this call and nothing else holds it, so the check keeps its objects instead of copying them (a copy of
 * 100,000 versions is a few hundred MiB more at the peak of a swap).
 */
export function decodeStoredSnapshot(stored: unknown): E.Either<SnapshotBuildFailure, RegistrySnapshot> {
  return E.mapLeft((f: { message: string }): SnapshotBuildFailure => ({ message: f.message }))(decodeParsedSnapshot(stored))
}

/** Renders snapshots as ToolHive registry documents (`thv` can use one as a registry file), one server at a time. */
export const renderToolHive: ToolHiveRenderer<RegistrySnapshot> = {
  begin: () => {
    const stream = new ToolHiveEntryStream()
    return {
      // The views hand over the snapshot's own server objects (ServedServerResponse is their structural subset).
      add: (server) => stream.add(server as unknown as ServerResponse),
      end: (header) => ({ head: stream.head(header.registry), tail: toolHiveTail(header) }),
    }
  },
}

/** The name, version and official `_meta` of every version of `snapshot`: what the next build reads of it. */
function publishTimesOf(snapshot: RegistrySnapshot): PreviousVersions {
  return {
    servers: snapshot.servers.map((s) => ({
      server: { name: s.server.name, version: s.server.version },
      _meta: { [OfficialMetaKey]: s._meta[OfficialMetaKey] },
    })),
  }
}
