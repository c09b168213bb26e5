/** The operator's source handlers by `spec.source.type`: configmap, url, git and api, configured from its flags. */
import type { CoreV1Api } from '@kubernetes/client-node'
import {
  ApiMirrorSourceHandler, ConfigMapSourceHandler, DefaultMaxSourceBytes, EgressPolicy, GitSourceHandler, KubernetesSourceHandler, SourceHandlerRegistry,
  UrlSourceHandler, type WorkloadLister,
} from '@thv/sources'
import type { RemoteSourceConfig } from '../config.js'

/** What the handlers need from the operator's options. */
export interface SourceHandlerSettings {
  readonly allowCrossNamespaceSources: boolean
  readonly remoteSources?: Partial<RemoteSourceConfig> | undefined
  /** `--kubernetes-source-name-prefix`: reverse-DNS prefix of the entries `kubernetes` sources export. */
  readonly kubernetesNamePrefix?: string | undefined
}

/**
 * One registry of handlers sharing one egress policy and the `--max-source-bytes` limit; `kubernetes` sources read
 * `workloads` (the operator's informer caches) and are registered only when it is given.
 */
export function createSourceHandlers(core: CoreV1Api, settings: SourceHandlerSettings, workloads?: WorkloadLister): SourceHandlerRegistry {
  const remote = settings.remoteSources ?? {}
  const maxSourceBytes = remote.maxSourceBytes ?? DefaultMaxSourceBytes
  const policy = new EgressPolicy({
    allowInsecure: remote.allowInsecure ?? false,
    allowLoopback: remote.allowLoopback ?? false,
    denyPrivate: remote.denyPrivate ?? false,
    allowedHosts: remote.allowedHosts ?? [],
  })
  const handlers = new SourceHandlerRegistry()
    .register('configmap', new ConfigMapSourceHandler(core, { allowCrossNamespace: settings.allowCrossNamespaceSources, maxSourceBytes }))
    .register('url', new UrlSourceHandler(core, { policy, maxSourceBytes }))
    .register('git', new GitSourceHandler(core, { policy, maxSourceBytes }))
    .register('api', new ApiMirrorSourceHandler(core, { policy, maxSourceBytes }))
  if (workloads === undefined) return handlers
  return handlers.register('kubernetes', new KubernetesSourceHandler({ workloads, allowCrossNamespace: settings.allowCrossNamespaceSources, namePrefix: settings.kubernetesNamePrefix }))
}
