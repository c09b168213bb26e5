/**
 * The `kubernetes` source: workloads running in the cluster (MCPServers, MCPRemoteProxies, VirtualMCPServers)
 * annotated for export become remote registry entries. The handler reads objects from a lister the caller keeps
 * current (the operator's informer caches), so a sync costs no API call.
 */
import { buildSnapshot, validateFilter } from '@thv/converters'
import type { MCPRegistrySource, RegistrySnapshot, ServerJson, SingleSourceRegistry } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { toSourceError } from './configmap.source.js'
import {
  DefaultKubernetesNamePrefix, exportedServer, ExportedKinds, isExportRequested, KubernetesNamePrefixPattern,
  type WorkloadObject,
} from './kubernetes-export.js'
import type { SkippedObject, SourceHandler, SyncOptions, SyncResult } from './source-handler.js'
import { SourceConfigError, SourceInvalidFilterError, type SourceLocation } from './source.errors.js'

/** Gives the workload objects of one namespace, of every exported kind whose CRD is installed. */
export interface WorkloadLister {
  list(namespace: string): readonly WorkloadObject[]
}

/** Options of {@link KubernetesSourceHandler}. */
export interface KubernetesSourceOptions {
  /** Where the objects come from. */
  readonly workloads: WorkloadLister
  /** Let a source name namespaces other than its registry's (`--allow-cross-namespace-sources`). Default false. */
  readonly allowCrossNamespace?: boolean | undefined
  /** Reverse-DNS prefix of entry names. Default {@link DefaultKubernetesNamePrefix}. */
  readonly namePrefix?: string | undefined
}

/** A {@link SyncResult} of a `kubernetes` source: `skipped` lists the workloads that asked to be exported and were left out. */
export type KubernetesSyncResult = SyncResult & { readonly skipped: readonly SkippedObject[] }

const kindRank = (kind: string | undefined): number => {
  const i = ExportedKinds.indexOf(kind as (typeof ExportedKinds)[number])
  return i < 0 ? ExportedKinds.length : i
}

/**
 * {@link SourceHandler} of `spec.source.kubernetes` (a `spec.sources[].kubernetes` entry): every workload of the
 * source's namespaces (default: the registry's) annotated `toolhive.stacklok.dev/registry-export: "true"` becomes a
 * remote entry named `<prefix>.<namespace>/<name>`. A workload whose annotations are malformed is skipped and
 * reported in {@link KubernetesSyncResult.skipped}; it never fails the source. When two kinds export the same
 * namespace and name, MCPServer wins over MCPRemoteProxy over VirtualMCPServer and the other is skipped.
 *
 * @example
 * const handler = new KubernetesSourceHandler({ workloads: { list: (ns) => informer.list(ns) }, allowCrossNamespace: false })
 */
export class KubernetesSourceHandler implements SourceHandler {
  readonly #workloads: WorkloadLister
  readonly #allowCrossNamespace: boolean
  readonly #prefix: string
  /** The last snapshot built per registry key: publish times of unchanged entries stay, so their hash stays. */
  readonly #last = new Map<string, RegistrySnapshot>()

  constructor(options: KubernetesSourceOptions) {
    this.#workloads = options.workloads
    this.#allowCrossNamespace = options.allowCrossNamespace ?? false
    this.#prefix = options.namePrefix ?? DefaultKubernetesNamePrefix
    if (!new RegExp(KubernetesNamePrefixPattern, 'u').test(this.#prefix) || this.#prefix.length > 100) {
      throw new RangeError(`The kubernetes source name prefix ${JSON.stringify(this.#prefix)} is not reverse-DNS labels separated by dots (at most 100 characters)`)
    }
  }

  validate(source: MCPRegistrySource, registryNamespace: string): E.Either<SourceConfigError, void> {
    return E.map(() => undefined)(this.namespacesOf(source, registryNamespace))
  }

  /** The namespaces a source reads (its list, else the registry's), or why the source is refused. */
  namespacesOf(source: MCPRegistrySource, registryNamespace: string): E.Either<SourceConfigError, string[]> {
    if (source.type !== 'kubernetes' || source.kubernetes === undefined) {
      return E.left(new SourceConfigError('UnsupportedSourceType', 'spec.source.type', `KubernetesSourceHandler cannot read source type ${String(source.type)}`))
    }
    const listed = source.kubernetes.namespaces ?? []
    const namespaces = listed.length === 0 ? [registryNamespace] : [...new Set(listed)]
    const others = namespaces.filter((ns) => ns !== registryNamespace)
    if (others.length > 0 && !this.#allowCrossNamespace) {
      return E.left(new SourceConfigError(
        'CrossNamespaceNotAllowed',
        'spec.source.kubernetes.namespaces',
        `kubernetes source namespaces ${others.join(', ')} differ from the registry's namespace ${registryNamespace}; the operator does not allow cross-namespace sources (--allow-cross-namespace-sources)`,
      ))
    }
    return E.right(namespaces)
  }

  forget(registryKey: string): void {
    this.#last.delete(registryKey)
  }

  async sync(registry: SingleSourceRegistry, signal: AbortSignal, options: SyncOptions = {}): Promise<KubernetesSyncResult> {
    signal.throwIfAborted()
    const registryNamespace = registry.metadata.namespace
    if (registryNamespace === undefined) throw new Error(`MCPRegistry ${registry.metadata.name} has no metadata.namespace`)
    const namespaces = this.namespacesOf(registry.spec.source, registryNamespace)
    if (E.isLeft(namespaces)) throw namespaces.left
    const registryKey = `${registryNamespace}/${registry.metadata.name}`
    const ref = `namespaces ${namespaces.right.join(',')}`
    const location: SourceLocation = { registry: registryKey, configMap: '', key: '', source: `kubernetes ${ref}` }
    const filter = validateFilter(registry.spec.filter)
    if (E.isLeft(filter)) throw new SourceInvalidFilterError(location, filter.left.problems.map((p) => p.path), filter.left.message, { cause: filter.left })

    const { servers, skipped } = this.#collect(namespaces.right)
    const raw = new TextEncoder().encode(JSON.stringify(servers))
    const previous = this.#last.get(registryKey) ?? options.previous ?? (await options.loadPrevious?.(signal))
    const built = buildSnapshot({
      raw,
      declaredFormat: 'upstream',
      registry: { name: registry.metadata.name, namespace: registryNamespace, displayName: registry.spec.displayName, source: { type: 'kubernetes', ref } },
      filter: registry.spec.filter,
      deployedServers: options.deployedServers,
      previous,
      now: options.now ?? new Date(),
    })
    if (E.isLeft(built)) throw toSourceError(location, built.left)
    this.#last.set(registryKey, built.right)
    return { data: built.right, raw, hash: built.right.hash, serverCount: built.right.servers.length, skipped }
  }

  /** The entries of every exported workload of `namespaces`, sorted by name, and the skipped ones. */
  #collect(namespaces: readonly string[]): { servers: ServerJson[]; skipped: SkippedObject[] } {
    const requested = namespaces
      .flatMap((ns) => this.#workloads.list(ns))
      .filter(isExportRequested)
      .sort((a, b) => (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '') || kindRank(a.kind) - kindRank(b.kind))
    const byName = new Map<string, { server: ServerJson; obj: WorkloadObject }>()
    const skipped: SkippedObject[] = []
    const skip = (obj: WorkloadObject, message: string) => skipped.push({
      kind: obj.kind ?? 'MCPServer', apiVersion: obj.apiVersion ?? '', namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '',
      uid: obj.metadata?.uid, message,
    })
    for (const obj of requested) {
      const entry = exportedServer(obj, this.#prefix)
      if (E.isLeft(entry)) {
        skip(obj, entry.left)
        continue
      }
      const first = byName.get(entry.right.name)
      if (first !== undefined) {
        skip(obj, `its entry name ${entry.right.name} is already exported by ${first.obj.kind ?? 'MCPServer'} ${first.obj.metadata?.namespace ?? ''}/${first.obj.metadata?.name ?? ''}`)
        continue
      }
      byName.set(entry.right.name, { server: entry.right, obj })
    }
    const servers = [...byName.values()].map((v) => v.server).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    return { servers, skipped }
  }
}
