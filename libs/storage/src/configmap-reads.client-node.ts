/** {@link ConfigMapReads} over @kubernetes/client-node, for processes that have a client-node `KubeConfig` anyway. */
import { CoreV1Api, Watch, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node'
import { withSignal } from '@thv/kube-calls'
import type { ConfigMapReads } from './configmap-reads.js'

/** ConfigMap reads with `kubeConfig`'s credentials, through client-node's `CoreV1Api` and `Watch`. */
export function clientNodeConfigMapReads(kubeConfig: KubeConfig): ConfigMapReads {
  const core = kubeConfig.makeApiClient(CoreV1Api)
  return {
    get: (namespace, name, signal) => core.readNamespacedConfigMap({ namespace, name }, withSignal(signal)),
    list: async (namespace, fieldSelector, signal) => {
      const list = await core.listNamespacedConfigMap({ namespace, fieldSelector }, withSignal(signal))
      return { items: list.items, resourceVersion: list.metadata?.resourceVersion }
    },
    watch: (namespace, query, onEvent, signal) =>
      new Promise<void>((resolve, reject) => {
        let controller: AbortController | undefined
        const onAbort = (): void => controller?.abort()
        signal.addEventListener('abort', onAbort, { once: true })
        const done = (err: unknown): void => {
          signal.removeEventListener('abort', onAbort)
          // client-node ends a watch idle for 30 s with a TimeoutError: that is the end of this watch, not a failure.
          if (signal.aborted || err === null || err === undefined || (err instanceof Error && err.name === 'TimeoutError')) resolve()
          else reject(err)
        }
        new Watch(kubeConfig)
          .watch(
            `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`,
            { fieldSelector: query.fieldSelector, resourceVersion: query.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: query.timeoutSeconds },
            (type: string, object: unknown) => onEvent({ type, object: object as V1ConfigMap }),
            done,
          )
          .then((c) => {
            controller = c
            if (signal.aborted) c.abort()
          }, (err: unknown) => {
            signal.removeEventListener('abort', onAbort)
            reject(err)
          })
      }),
  }
}
