// Read-only watcher of one registry's stored snapshot, for the registry API in `--registry ns/name` mode.
import { CoreV1Api, Watch, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node'
import type { RegistrySnapshot } from '@thv/registry-model'
import { withSignal } from '@thv/kube-calls'
import { ConfigMapSnapshotReader } from './configmap-snapshot.reader.js'
import type { SnapshotVerification } from './snapshot-payload.js'
import { SnapshotHashAnnotation, storageConfigMapName } from './storage-layout.js'

/** Options of {@link watchStoredSnapshot}. */
export interface WatchStoredSnapshotOptions {
  /** Credentials of the reader (the API's ServiceAccount in a cluster). */
  readonly kubeConfig: KubeConfig
  /** Namespace of the registry. */
  readonly namespace: string
  /** Name of the MCPRegistry. */
  readonly registryName: string
  /** Called with each newly stored snapshot (a different `hash` than the last one delivered), in order. */
  readonly onSnapshot: (snapshot: RegistrySnapshot) => void
  /** Called when the storage ConfigMap disappears after a snapshot was delivered. Default: nothing. */
  readonly onDeleted?: () => void
  /**
   * Called with every failure (API errors, a corrupt or inconsistent snapshot); the watch keeps going and retries
   * with backoff, and the last delivered snapshot stays valid.
   */
  readonly onError: (err: unknown) => void
  /** Stops the watch; the returned promise resolves after it stopped. */
  readonly signal: AbortSignal
  /** Server-side watch timeout per connection in seconds (client-node aborts idle watches after 30 s). Default 20. */
  readonly watchTimeoutSeconds?: number
  /** First retry delay after a failure, doubled per failure up to `maxBackoffMs`. Default 500. */
  readonly initialBackoffMs?: number
  /** Longest retry delay. Default 10,000. */
  readonly maxBackoffMs?: number
  /** What is checked after the bytes matched their sha256: `codec` (default) or `hash`. See {@link SnapshotVerification}. */
  readonly verification?: SnapshotVerification
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
 * void watchStoredSnapshot({ kubeConfig, namespace: 'toolhive-system', registryName: 'production',
 *   onSnapshot: (s) => store.swap(s), onError: (err) => log.error('Could not load snapshot', { err }), signal: stop.signal })
 */
export async function watchStoredSnapshot(options: WatchStoredSnapshotOptions): Promise<void> {
  const { kubeConfig, namespace, registryName, signal } = options
  const core = kubeConfig.makeApiClient(CoreV1Api)
  const reader = new ConfigMapSnapshotReader(core, options.verification === undefined ? {} : { verification: options.verification })
  const name = storageConfigMapName(registryName)
  const fieldSelector = `metadata.name=${name}`
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`
  const initialBackoffMs = options.initialBackoffMs ?? 500
  const maxBackoffMs = options.maxBackoffMs ?? 10_000
  let backoffMs = initialBackoffMs
  let lastHash: string | undefined

  const deliver = async (cm: V1ConfigMap | undefined): Promise<void> => {
    if (cm !== undefined && cm.metadata?.annotations?.[SnapshotHashAnnotation] === lastHash && lastHash !== undefined) return
    const snapshot = cm === undefined ? undefined : await reader.readFrom(namespace, registryName, cm, signal)
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
      const list = await core.listNamespacedConfigMap({ namespace, fieldSelector }, withSignal(signal))
      await deliver(list.items[0])
      backoffMs = initialBackoffMs
      let resourceVersion = list.metadata?.resourceVersion
      while (!signal.aborted && resourceVersion !== undefined) {
        resourceVersion = await watchOnce(kubeConfig, path, { fieldSelector, resourceVersion }, options, deliver)
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
  kubeConfig: KubeConfig,
  path: string,
  params: { fieldSelector: string; resourceVersion: string },
  options: WatchStoredSnapshotOptions,
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
  return new Promise<string | undefined>((resolve, reject) => {
    let controller: AbortController | undefined
    const onAbort = (): void => controller?.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    const finish = (err: unknown): void => {
      signal.removeEventListener('abort', onAbort)
      void pumping.then(() => {
        if (signal.aborted || outcome === 'gone') resolve(undefined)
        else if (outcome !== undefined) reject(outcome)
        // client-node ends a watch idle for 30 s with a TimeoutError: resume from the last resourceVersion.
        else if (err !== null && err !== undefined && !(err instanceof Error && err.name === 'TimeoutError')) reject(err)
        else resolve(resourceVersion)
      })
    }
    new Watch(kubeConfig)
      .watch(
        path,
        { ...params, allowWatchBookmarks: true, timeoutSeconds: options.watchTimeoutSeconds ?? 20 },
        (type: string, obj: unknown) => {
          if (type === 'ERROR') {
            const code = (obj as { code?: number }).code
            outcome = code === 410 ? 'gone' : new Error(`Watch of ${params.fieldSelector} failed: ${JSON.stringify(obj)}`)
            controller?.abort()
            return
          }
          const cm = obj as V1ConfigMap
          resourceVersion = cm.metadata?.resourceVersion ?? resourceVersion
          if (type === 'BOOKMARK') return
          pending = { cm: type === 'DELETED' ? undefined : cm }
          pumping = pumping.then(pump)
        },
        finish,
      )
      .then((c) => {
        controller = c
        if (signal.aborted) c.abort()
      }, reject)
  })
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
