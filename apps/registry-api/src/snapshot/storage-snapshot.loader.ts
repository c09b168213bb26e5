/** Feeds the SnapshotStore from a registry's storage ConfigMap(s) through the Kubernetes API (cluster mode). */
import { watchStoredSnapshot, type ConfigMapReads } from '@thv/storage/reader'
import * as E from 'fp-ts/lib/Either.js'
import type { Logger } from 'winston'
import type { RegistryRef } from '../config.js'
import type { ApiMetrics } from '../http/api-metrics.js'
import type { SnapshotBuildFailure } from './file-snapshot.loader.js'
import type { ServedSnapshot } from './served-snapshot.js'
import type { OfferResult, SnapshotStore } from './snapshot-store.js'
import { streamedViewsDecoder, type StreamedSnapshot } from './streamed-snapshot.decoder.js'

/** Options of `watchStorageSnapshots`. */
export interface StorageSnapshotLoaderOptions<S extends ServedSnapshot> {
  /** ConfigMap calls made with credentials that have get/list/watch on the registry's storage ConfigMaps (nothing else is needed). */
  readonly reads: ConfigMapReads
  readonly ref: RegistryRef
  readonly store: SnapshotStore<S>
  /**
   * How a stored snapshot becomes views:
   * - `streamed`: built while its payload is read, one server at a time, never holding its decoded servers (the
   *   store then keeps no snapshot objects: what a store without restricted views needs);
   * - `whole`: decoded whole, checked with `decode` and offered as a snapshot (a store that builds restricted views
   *   from the snapshot's objects, `--auth-config`).
   */
  readonly read: { readonly mode: 'streamed' } | { readonly mode: 'whole'; readonly decode: (stored: unknown) => E.Either<SnapshotBuildFailure, S> }
  readonly log: Logger
  readonly metrics: ApiMetrics
  /** Stops watching; the returned promise resolves afterwards. */
  readonly signal: AbortSignal
}

/**
 * Watches `<name>-registry-storage` in `<namespace>` and swaps each new complete snapshot in. A snapshot that
 * fails to decode or render, an API error, or a deleted storage ConfigMap never replaces the snapshot being
 * served: each is logged and counted, and the watch retries with backoff (inside @thv/storage).
 */
export function watchStorageSnapshots<S extends ServedSnapshot>(options: StorageSnapshotLoaderOptions<S>): Promise<void> {
  const { ref, store, log, metrics } = options
  const fields = { registry: ref.name, namespace: ref.namespace }
  const invalid = (err: string): void => {
    metrics.snapshotLoadErrors.labels('invalid').inc()
    log.error('Stored snapshot is invalid; kept serving the previous snapshot', { ...fields, err })
  }
  const served = (offer: () => OfferResult, versions: number): void => {
    try {
      if (offer() === 'swapped') {
        metrics.snapshotSwaps.inc()
        metrics.snapshotServerVersions.set(versions)
      }
    } catch (err: unknown) {
      metrics.snapshotLoadErrors.labels('render').inc()
      log.error('Could not serve stored snapshot; kept serving the previous snapshot', { ...fields, err })
    }
  }
  const common = {
    reads: options.reads,
    namespace: ref.namespace,
    registryName: ref.name,
    signal: options.signal,
    onDeleted: (): void => {
      log.warn('Storage ConfigMap was deleted; kept serving the previous snapshot', fields)
    },
    onError: (err: unknown): void => {
      metrics.snapshotLoadErrors.labels('storage').inc()
      log.warn('Could not read stored snapshot; retrying', { ...fields, err })
    },
  }
  const read = options.read
  if (read.mode === 'streamed') {
    return watchStoredSnapshot<StreamedSnapshot<S>>({
      ...common,
      decoder: streamedViewsDecoder(store.viewOptions),
      onSnapshot: (stored) => {
        if ('invalid' in stored) invalid(stored.invalid)
        else served(() => store.offerViews(stored.views, stored.startedAt), stored.views.view.entries.length)
      },
    })
  }
  return watchStoredSnapshot({
    ...common,
    // `decode` checks every snapshot with the codec before it is served: the reader verifies the bytes' sha256 and
    // leaves the codec to it, so a snapshot is decoded once.
    verification: 'hash',
    onSnapshot: (stored) => {
      const decoded = read.decode(stored)
      if (E.isLeft(decoded)) invalid(decoded.left.message)
      else served(() => store.offer(decoded.right), decoded.right.servers.length)
    },
  })
}
