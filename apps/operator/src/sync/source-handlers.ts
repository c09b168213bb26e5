/** The operator's source handlers by `spec.source.type`: configmap, url, git and api, configured from its flags. */
import type { CoreV1Api } from '@kubernetes/client-node'
import {
  ApiMirrorSourceHandler, ConfigMapSourceHandler, DefaultMaxSourceBytes, EgressPolicy, GitSourceHandler, SourceHandlerRegistry,
  UrlSourceHandler,
} from '@thv/sources'
import type { RemoteSourceConfig } from '../config.js'

/** What the handlers need from the operator's options. */
export interface SourceHandlerSettings {
  readonly allowCrossNamespaceSources: boolean
  readonly remoteSources?: Partial<RemoteSourceConfig> | undefined
}

/** One registry of handlers sharing one egress policy and the `--max-source-bytes` limit. */
export function createSourceHandlers(core: CoreV1Api, settings: SourceHandlerSettings): SourceHandlerRegistry {
  const remote = settings.remoteSources ?? {}
  const maxSourceBytes = remote.maxSourceBytes ?? DefaultMaxSourceBytes
  const policy = new EgressPolicy({
    allowInsecure: remote.allowInsecure ?? false,
    allowLoopback: remote.allowLoopback ?? false,
    denyPrivate: remote.denyPrivate ?? false,
    allowedHosts: remote.allowedHosts ?? [],
  })
  return new SourceHandlerRegistry()
    .register('configmap', new ConfigMapSourceHandler(core, { allowCrossNamespace: settings.allowCrossNamespaceSources, maxSourceBytes }))
    .register('url', new UrlSourceHandler(core, { policy, maxSourceBytes }))
    .register('git', new GitSourceHandler(core, { policy, maxSourceBytes }))
    .register('api', new ApiMirrorSourceHandler(core, { policy, maxSourceBytes }))
}
