/** The sync pipeline for ConfigMap sources: fetch, build the snapshot with @thv/converters, keep it with @thv/storage. */
import type { V1ConfigMap } from '@kubernetes/client-node'
import { buildSnapshot, computeSnapshotHash, type ServerFilter } from '@thv/converters'
import { ConfigMapKind, httpStatusOf, type Clock, type KubeClient, type Logger } from '@thv/k8s-reconcile'
import { ConditionReason, type DeployedServerSummary, type MCPRegistry, type RegistrySnapshot } from '@thv/registry-model'
import { StorageTooLargeError, type ConfigMapStorageManager } from '@thv/storage'
import * as E from 'fp-ts/lib/Either.js'
import type { SyncFailure, SyncOutcome } from './sync-outcome.js'
import type { SyncPipeline } from './sync-pipeline.js'

/** Default data key of a source ConfigMap. */
export const DefaultSourceKey = 'registry.json'

/** What the ConfigMap pipeline needs. */
export interface ConfigMapPipelineDeps {
  readonly client: KubeClient
  readonly storage: ConfigMapStorageManager
  /** `--allow-cross-namespace-sources`: may a registry read a ConfigMap outside its namespace. */
  readonly allowCrossNamespaceSources: boolean
  readonly clock: Clock
  readonly log: Logger
}

/** The `spec.filter` of a registry as the converters' {@link ServerFilter} (both spellings carry over). */
export function serverFilterOf(registry: MCPRegistry): ServerFilter | undefined {
  const f = registry.spec.filter
  if (f === undefined) return undefined
  return {
    ...(f.include === undefined ? {} : { include: f.include }),
    ...(f.exclude === undefined ? {} : { exclude: f.exclude }),
    ...(f.names === undefined ? {} : { names: f.names }),
    ...(f.tags === undefined ? {} : { tags: f.tags }),
  }
}

/**
 * {@link SyncPipeline} over ConfigMap sources and {@link ConfigMapStorageManager}. Source problems (cross-namespace
 * refused, ConfigMap or key missing, API errors) fail the `source` step, data problems (JSON, format, schema,
 * filter) the `data` step with the converters' reason and message, storage problems the `storage` step; storage is
 * written only when the snapshot hash changed.
 */
export class ConfigMapSyncPipeline implements SyncPipeline {
  readonly #deps: ConfigMapPipelineDeps

  constructor(deps: ConfigMapPipelineDeps) {
    this.#deps = deps
  }

  async run(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<SyncOutcome> {
    const fetched = await this.#fetch(registry, signal)
    if (E.isLeft(fetched)) return { ok: false, failure: fetched.left }
    const { raw, ref, describe } = fetched.right
    let previous: RegistrySnapshot | undefined
    try {
      previous = await this.#deps.storage.get(registry, signal)
    } catch (err) {
      // A corrupt or unreadable old snapshot must not block a new one: build without publish-time history.
      this.#deps.log.warn('Could not read the stored snapshot; building without it', { registry: registry.metadata.name, namespace: registry.metadata.namespace, err })
    }
    const built = buildSnapshot({
      raw,
      declaredFormat: registry.spec.source.format,
      registry: {
        name: registry.metadata.name,
        namespace: registry.metadata.namespace ?? '',
        displayName: registry.spec.displayName,
        source: { type: 'configmap', ref },
      },
      filter: serverFilterOf(registry),
      deployedServers,
      now: new Date(this.#deps.clock.now()),
      previous,
    })
    if (E.isLeft(built)) return { ok: false, failure: { step: 'data', reason: built.left.reason, message: `${describe}: ${built.left.message}` } }
    const snapshot = built.right
    try {
      const report = await this.#deps.storage.storeWithReport(registry, snapshot, signal)
      return { ok: true, serverCount: snapshot.servers.length, hash: snapshot.hash, stored: report.written, storageRef: report.ref, source: describe }
    } catch (err) {
      if (signal.aborted) throw err
      const reason = err instanceof StorageTooLargeError ? ConditionReason.StorageTooLarge : ConditionReason.StorageFailed
      return { ok: false, failure: { step: 'storage', reason, message: `Could not store the snapshot: ${err instanceof Error ? err.message : String(err)}` } }
    }
  }

  async updateDeployedServers(registry: MCPRegistry, deployedServers: readonly DeployedServerSummary[], signal: AbortSignal): Promise<boolean> {
    const stored = await this.#deps.storage.get(registry, signal)
    if (stored === undefined) return false
    const { hash: _old, ...rest } = stored
    const next = { ...rest, deployedServers: [...deployedServers] }
    const hash = computeSnapshotHash(next)
    if (hash === stored.hash) return false
    const report = await this.#deps.storage.storeWithReport(registry, { ...next, hash }, signal)
    return report.written
  }

  async delete(registry: MCPRegistry, signal: AbortSignal): Promise<void> {
    await this.#deps.storage.delete(registry, signal)
  }

  async #fetch(registry: MCPRegistry, signal: AbortSignal): Promise<E.Either<SyncFailure, { raw: string | Uint8Array; ref: string; describe: string }>> {
    const source = registry.spec.source.configmap
    const own = registry.metadata.namespace ?? ''
    if (source === undefined) {
      return E.left({ step: 'source', reason: ConditionReason.InvalidSourceConfig, message: "spec.source.configmap is required when spec.source.type is 'configmap'" })
    }
    const namespace = source.namespace ?? own
    const key = source.key ?? DefaultSourceKey
    const describe = `ConfigMap ${namespace}/${source.name} key ${key}`
    if (namespace !== own && !this.#deps.allowCrossNamespaceSources) {
      return E.left({
        step: 'source',
        reason: ConditionReason.CrossNamespaceSourceForbidden,
        message: `Source ConfigMap ${namespace}/${source.name} is outside the registry's namespace ${own}; the operator runs without --allow-cross-namespace-sources`,
      })
    }
    let cm: V1ConfigMap
    try {
      cm = await this.#deps.client.get<V1ConfigMap>(ConfigMapKind, namespace, source.name, signal)
    } catch (err) {
      if (signal.aborted) throw err
      if (httpStatusOf(err) === 404) return E.left({ step: 'source', reason: ConditionReason.SourceNotFound, message: `ConfigMap ${namespace}/${source.name} not found` })
      return E.left({ step: 'source', reason: ConditionReason.FetchFailed, message: `Could not read ConfigMap ${namespace}/${source.name}: ${err instanceof Error ? err.message : String(err)}` })
    }
    const text = cm.data?.[key]
    const binary = cm.binaryData?.[key]
    if (text === undefined && binary === undefined) {
      const keys = [...Object.keys(cm.data ?? {}), ...Object.keys(cm.binaryData ?? {})].sort()
      return E.left({ step: 'source', reason: ConditionReason.KeyNotFound, message: `ConfigMap ${namespace}/${source.name} has no key ${key} (keys: ${keys.length === 0 ? 'none' : keys.join(', ')})` })
    }
    const raw = text ?? Uint8Array.from(Buffer.from(binary ?? '', 'base64'))
    return E.right({ raw, ref: `${namespace}/${source.name}#${key}`, describe })
  }
}
