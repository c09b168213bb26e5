/**
 * The ConfigMap calls a reader of stored snapshots makes (get, list by field selector, watch), so the reader and the
 * watch work over either Kubernetes client: {@link kubeHttpConfigMapReads} (no @kubernetes/client-node at run time,
 * for the registry API) or `clientNodeConfigMapReads` (`@thv/storage`'s main entry, for a process that has a
 * client-node `KubeConfig` anyway).
 */
import type { V1ConfigMap } from '@kubernetes/client-node'
import type { KubeHttp, KubeWatchEvent } from '@thv/kube-calls/http'

/** The items and resourceVersion of a list. */
export interface ConfigMapList {
  readonly items: readonly V1ConfigMap[]
  readonly resourceVersion: string | undefined
}

/** What a watch starts from and how long the server keeps it open. */
export interface ConfigMapWatchQuery {
  readonly fieldSelector: string
  readonly resourceVersion: string
  /** The server ends the watch after this many seconds. */
  readonly timeoutSeconds: number
}

/** One watch event: `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` (object: the ConfigMap) or `ERROR` (object: a Status). */
export type ConfigMapWatchEvent = KubeWatchEvent

/**
 * Read access to the ConfigMaps of one cluster. Failures reject with an error whose HTTP status `httpStatusOf`
 * reads (`code` or `statusCode`), or with the signal's reason.
 */
export interface ConfigMapReads {
  /** The ConfigMap `namespace/name`. */
  get(namespace: string, name: string, signal: AbortSignal): Promise<V1ConfigMap>
  /** The ConfigMaps of `namespace` matching `fieldSelector`. */
  list(namespace: string, fieldSelector: string, signal: AbortSignal): Promise<ConfigMapList>
  /**
   * Calls `onEvent` for every event of a watch of `namespace`'s ConfigMaps, in order. Resolves when the watch ends
   * (the server's timeout, an idle connection, or `signal`); rejects when it cannot be opened or breaks.
   */
  watch(namespace: string, query: ConfigMapWatchQuery, onEvent: (event: ConfigMapWatchEvent) => void, signal: AbortSignal): Promise<void>
}

/** Seconds without any byte after which a watch connection counts as dead, beyond its own timeout. */
const WatchIdleGraceSeconds = 30

function configMapsPath(namespace: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`
}

/** {@link ConfigMapReads} over {@link KubeHttp}: plain HTTPS, no @kubernetes/client-node. */
export function kubeHttpConfigMapReads(http: KubeHttp): ConfigMapReads {
  return {
    get: (namespace, name, signal) => http.get<V1ConfigMap>(`${configMapsPath(namespace)}/${encodeURIComponent(name)}`, {}, signal),
    list: async (namespace, fieldSelector, signal) => {
      const list = await http.get<{ items?: V1ConfigMap[]; metadata?: { resourceVersion?: string } }>(configMapsPath(namespace), { fieldSelector }, signal)
      return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion }
    },
    watch: (namespace, query, onEvent, signal) =>
      http.watch(
        configMapsPath(namespace),
        { fieldSelector: query.fieldSelector, resourceVersion: query.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: query.timeoutSeconds },
        onEvent,
        signal,
        (query.timeoutSeconds + WatchIdleGraceSeconds) * 1000,
      ),
  }
}
