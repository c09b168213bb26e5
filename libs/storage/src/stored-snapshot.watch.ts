// Read-only watcher of one registry's stored snapshot, for the registry API in `--registry ns/name` mode.
import type { V1ConfigMap } from '@kubernetes/client-node'
import type { RegistrySnapshot } from '@thv/registry-model'
import type { ConfigMapReads } from './configmap-reads.js'
import { ConfigMapSnapshotReader, type StoredSnapshotDecoder } from './configmap-snapshot.reader.js'
import type { SnapshotVerification } from './snapshot-payload.js'
import { SnapshotHashAnnotation, storageConfigMapName } from './storage-layout.js'

/** Options of {@link watchStoredSnapshot}. */
export interface WatchStoredSnapshotOptions<T extends { readonly hash: string } = RegistrySnapshot> {
  /**
   * The ConfigMap calls, made with the reader's credentials (the API's ServiceAccount in a cluster):
   * `kubeHttpConfigMapReads` or `clientNodeConfigMapReads`.
   */
  readonly reads: ConfigMapReads
  /** Namespace of the registry. */
  readonly namespace: string
  /** Name of the MCPRegistry. */
  readonly registryName: string
  /** Called with each newly stored snapshot (a different `hash` than the last one delivered), in order. */
  readonly onSnapshot: (snapshot: T) => void
  /** Called when the storage ConfigMap disappears after a snapshot was delivered. Default: nothing. */
  readonly onDeleted?: () => void
  /**
   * Called with every failure (API errors, a corrupt or inconsistent snapshot); the watch keeps going and retries
   * with backoff, and the last delivered snapshot stays valid.
   */
  readonly onError: (err: unknown) => void
  /** Stops the watch; the returned promise resolves after it stopped. */
  readonly signal: AbortSignal
  /** Server-side watch timeout per connection in seconds (a connection idle for 30 s longer counts as dead). Default 20. */
  readonly watchTimeoutSeconds?: number
  /** First retry delay after a failure, doubled per failure up to `maxBackoffMs`. Default 500. */
  readonly initialBackoffMs?: number
  /** Longest retry delay. Default 10,000. */
  readonly maxBackoffMs?: number
  /** What is checked after the bytes matched their sha256: `codec` (default) or `hash`. See {@link SnapshotVerification}. */
  readonly verification?: SnapshotVerification
  /**
   * Decodes each stored snapshot into what `onSnapshot` gets, instead of the snapshot (`verification` then does not
   * apply: the decoder checks what it reads). Required when `T` is not RegistrySnapshot.
   */
  readonly decoder?: StoredSnapshotDecoder<T>
}

/**
 * Keeps a registry's stored snapshot in view: lists and watches ONLY the storage ConfigMap
 * `<registry>-registry-storage` (field selector `metadata.name=…`, so `list`/`watch` work with a Role restricted by
 * `resourceNames`) and reads shards by `get` after each index change. Delivers each new complete snapshot through
 * `onSnapshot`; never a partial one. Re-lists after `410 Gone`, reconnects after each watch timeout, and retries
 * with exponential backoff after errors (reported through `onError`). Resolves when `signal` aborts.
 *
 * Needs exactly the rules of {@link storageReaderPolicyRules}.
 *
 * @example
 * const stop = new AbortController()
 * void watchStoredSnapshot({ reads: kubeHttpConfigMapReads(new KubeHttp(credentials)), namespace: 'toolhive-system', registryName: 'production',
 *   onSnapshot: (s) => store.swap(s), onError: (err) => log.error('Could not load snapshot', { err }), signal: stop.signal })
 */
export async function watchStoredSnapshot<T extends { readonly hash: string } = RegistrySnapshot>(options: WatchStoredSnapshotOptions<T>): Promise<void> {
  const { reads, namespace, registryName, signal } = options
  const reader = new ConfigMapSnapshotReader(reads, options.verification === undefined ? {} : { verification: options.verification })
  const name = storageConfigMapName(registryName)
  const fieldSelector = `metadata.name=${name}`
  const initialBackoffMs = options.initialBackoffMs ?? 500
  const maxBackoffMs = options.maxBackoffMs ?? 10_000
  let backoffMs = initialBackoffMs
  let lastHash: string | undefined

  const deliver = async (cm: V1ConfigMap | undefined): Promise<void> => {
    if (cm !== undefined && cm.metadata?.annotations?.[SnapshotHashAnnotation] === lastHash && lastHash !== undefined) return
    const snapshot = cm === undefined
      ? undefined
      : options.decoder === undefined
        ? (await reader.readFrom(namespace, registryName, cm, signal) as unknown as T | undefined)
        : await reader.readFromWith(namespace, registryName, cm, signal, options.decoder)
    if (snapshot === undefined) {
      if (lastHash !== undefined) {
        lastHash = undefined
        options.onDeleted?.()
      }
      return
    }
    if (snapshot.hash === lastHash) return
    lastHash = snapshot.hash
    options.onSnapshot(snapshot)
  }

  while (!signal.aborted) {
    try {
      const list = await reads.list(namespace, fieldSelector, signal)
      await deliver(list.items[0])
      backoffMs = initialBackoffMs
      let resourceVersion = list.resourceVersion
      while (!signal.aborted && resourceVersion !== undefined) {
        resourceVersion = await watchOnce(reads, namespace, { fieldSelector, resourceVersion }, options, deliver)
      }
    } catch (err) {
      if (signal.aborted) break
      options.onError(err)
      await delay(backoffMs, signal)
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs)
    }
  }
}

/**
 * One watch connection. Resolves with the resourceVersion to resume from when it ended normally, `undefined` after
 * `410 Gone` (the caller re-lists); rejects on other failures. Events are applied one at a time, latest wins.
 */
async function watchOnce(
  reads: ConfigMapReads,
  namespace: string,
  params: { fieldSelector: string; resourceVersion: string },
  options: Pick<WatchStoredSnapshotOptions, 'signal' | 'onError' | 'watchTimeoutSeconds'>,
  deliver: (cm: V1ConfigMap | undefined) => Promise<void>,
): Promise<string | undefined> {
  const { signal } = options
  let resourceVersion: string | undefined = params.resourceVersion
  let pending: { cm: V1ConfigMap | undefined } | undefined
  let pumping: Promise<void> = Promise.resolve()
  let outcome: 'gone' | Error | undefined
  const pump = async (): Promise<void> => {
    while (pending !== undefined) {
      const next = pending
      pending = undefined
      try {
        await deliver(next.cm)
      } catch (err) {
        if (signal.aborted) return
        // A bad snapshot does not end the watch: the last good one stays served and the next change is tried.
        options.onError(err)
      }
    }
  }
  // An ERROR event ends this connection early; the caller's signal ends it too.
  const stop = new AbortController()
  let failure: unknown
  try {
    await reads.watch(
      namespace,
      { ...params, timeoutSeconds: options.watchTimeoutSeconds ?? 20 },
      ({ type, object }) => {
        if (outcome !== undefined) return
        if (type === 'ERROR') {
          const code = (object as { code?: number }).code
          outcome = code === 410 ? 'gone' : new Error(`Watch of ${params.fieldSelector} failed: ${JSON.stringify(object)}`)
          stop.abort()
          return
        }
        const cm = object as V1ConfigMap
        resourceVersion = cm.metadata?.resourceVersion ?? resourceVersion
        if (type === 'BOOKMARK') return
        pending = { cm: type === 'DELETED' ? undefined : cm }
        pumping = pumping.then(pump)
      },
      AbortSignal.any([signal, stop.signal]),
    )
  } catch (err) {
    failure = err
  }
  await pumping
  if (signal.aborted || outcome === 'gone') return undefined
  if (outcome !== undefined) throw outcome
  if (failure !== undefined) throw failure
  return resourceVersion
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
