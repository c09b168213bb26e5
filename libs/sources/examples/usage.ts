// Usage example of @thv/sources, compiled by `npm run typecheck` and pasted into the README.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import * as E from 'fp-ts/lib/Either.js'
import type { SingleSourceRegistry } from '@thv/registry-model'
import { ConfigMapSourceHandler, SourceError, SourceHandlerRegistry } from '@thv/sources'

export async function syncOnce(kubeConfig: KubeConfig, registry: SingleSourceRegistry, signal: AbortSignal) {
  const sources = new SourceHandlerRegistry()
    .register('configmap', new ConfigMapSourceHandler(kubeConfig.makeApiClient(CoreV1Api), { allowCrossNamespace: false }))
  const config = sources.validate(registry.spec.source, registry.metadata.namespace ?? 'default') // pure
  if (E.isLeft(config)) return { reason: config.left.code, message: config.left.message }
  try {
    const { data, hash, serverCount } = await sources.sync(registry, signal)
    return { reason: 'SyncSucceeded', message: `Synced ${serverCount} servers`, hash, data }
  } catch (err) {
    if (err instanceof SourceError) return { reason: err.code, message: err.message } // names registry, ConfigMap, key
    throw err
  }
}
