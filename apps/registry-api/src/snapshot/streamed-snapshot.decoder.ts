/**
 * Builds a stored snapshot's views while its payload streams (cluster mode): each server is checked with the snapshot
 * codec's server rules and handed to a SnapshotViewBuilder as soon as it is parsed, then only its identity is kept, so
 * the decoded servers of a large registry never exist together (a 100,000-version snapshot is about 300 MiB of
 * objects). Once the payload has been read, the rest of the snapshot is checked with the codec's outline (every rule
 * across servers included), so a snapshot is served exactly when the whole-snapshot codec would accept it.
 */
import { decodeParsedServerResponse, decodeParsedSnapshotOutline } from '@thv/registry-model'
import { readStoredMapped, type StoredSnapshotDecoder } from '@thv/storage/reader'
import * as E from 'fp-ts/lib/Either.js'
import type { RegistryViewOptions } from '../views/registry-view.js'
import type { ServedServerResponse, ServedSnapshot, SnapshotHeader } from './served-snapshot.js'
import { SnapshotViewBuilder, type SnapshotViews } from './view-builder.js'

/** A stored snapshot read by `streamedViewsDecoder`: its views, or why it is invalid (then nothing of it is served). */
export type StreamedSnapshot<S extends ServedSnapshot> =
  | { readonly hash: string; readonly views: SnapshotViews<S>; readonly startedAt: number }
  | { readonly hash: string; readonly invalid: string }

/**
 * A storage decoder that builds the views of each stored snapshot as it streams. A payload that is not a snapshot
 * (not gzip, not JSON, another hash) is Left, as for any reader; a snapshot the codec rejects is Right with `invalid`,
 * so the watch delivers it once (the API keeps its current views and says why) instead of retrying it.
 */
export function streamedViewsDecoder<S extends ServedSnapshot>(options: RegistryViewOptions<S>): StoredSnapshotDecoder<StreamedSnapshot<S>> {
  return async (bytes, gzipped, expectedHash) => {
    const startedAt = performance.now()
    const builder = new SnapshotViewBuilder(options)
    const position: Record<string, number> = {}
    let invalid: string | undefined
    const read = await readStoredMapped(bytes, gzipped, expectedHash, (value, array) => {
      const at = position[array] ?? 0
      position[array] = at + 1
      if (invalid !== undefined) return null
      const server = decodeParsedServerResponse(value)
      if (E.isLeft(server)) {
        invalid = `${array}/${at}: ${server.left.message}`
        return null
      }
      const response = server.right as unknown as ServedServerResponse
      if (array === 'servers') builder.addServer(response)
      else builder.addExtraServer(response)
      return { server: { name: response.server.name, version: response.server.version } }
    })
    if (E.isLeft(read)) return read
    const hash = (read.right as { hash: string }).hash
    if (invalid !== undefined) return E.right({ hash, invalid })
    const outline = decodeParsedSnapshotOutline(read.right)
    if (E.isLeft(outline)) return E.right({ hash, invalid: outline.left.message })
    const { servers: _servers, extraServers: _extra, ...header } = outline.right
    return E.right({ hash, views: builder.finish(header as unknown as SnapshotHeader<S>), startedAt })
  }
}
