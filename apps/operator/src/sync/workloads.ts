/**
 * The workloads `kubernetes` sources export (MCPServers, MCPRemoteProxies, VirtualMCPServers), read from the
 * operator's informer caches, with a per-namespace change counter that tells the sync which sources changed.
 */
import type { KubernetesObject } from '@kubernetes/client-node'
import { apiVersionOf, type Informer, type WatchEvent } from '@thv/k8s-reconcile'
import { RegistryExportAnnotations, type MCPRegistrySourceEntry } from '@thv/registry-model'
import type { WorkloadLister, WorkloadObject } from '@thv/sources'

/** Name of the MCPRegistry informer index: the namespaces its `kubernetes` sources read. */
export const RegistriesByWorkloadNamespaceIndex = 'by-workload-namespace'

/** The namespaces a `kubernetes` source entry reads: its list, else the registry's namespace. */
export function workloadNamespacesOf(entry: MCPRegistrySourceEntry, registryNamespace: string): string[] {
  if (entry.kubernetes === undefined) return []
  const listed = entry.kubernetes.namespaces ?? []
  return listed.length === 0 ? [registryNamespace] : [...new Set(listed)].sort()
}

/** Index function for {@link RegistriesByWorkloadNamespaceIndex} over raw (undecoded) MCPRegistry objects. */
export function workloadNamespacesOfRegistry(obj: KubernetesObject & { spec?: unknown }): string[] {
  const spec = obj.spec as { sources?: Array<{ kubernetes?: { namespaces?: unknown } }> } | undefined
  const ns = obj.metadata?.namespace ?? ''
  if (!Array.isArray(spec?.sources)) return []
  const out = new Set<string>()
  for (const s of spec.sources) {
    if (s?.kubernetes === undefined || s.kubernetes === null) continue
    const listed = Array.isArray(s.kubernetes.namespaces) ? s.kubernetes.namespaces.filter((n): n is string => typeof n === 'string') : []
    for (const n of listed.length === 0 ? [ns] : listed) out.add(n)
  }
  return [...out]
}

const exportRequested = (o: KubernetesObject): boolean => o.metadata?.annotations?.[RegistryExportAnnotations.export] === 'true'

/**
 * Passes workload events that can change what a `kubernetes` source exports: the object asks (or asked, before an
 * update or its deletion) to be exported, and something changed.
 */
export function workloadExportChanged(e: WatchEvent): boolean {
  if (e.type !== 'update') return exportRequested(e.object)
  if (!exportRequested(e.old) && !exportRequested(e.object)) return false
  return e.old.metadata?.resourceVersion !== e.object.metadata?.resourceVersion
}

/**
 * The workload informers as one {@link WorkloadLister}, plus a change counter per namespace: every event that
 * {@link workloadExportChanged} passes bumps its namespace, so {@link fingerprint} of a source's namespaces changes
 * exactly when its export may have.
 */
export class Workloads implements WorkloadLister {
  readonly #informers: ReadonlyArray<Informer<KubernetesObject>>
  readonly #changes = new Map<string, number>()

  constructor(informers: ReadonlyArray<Informer<KubernetesObject>>) {
    this.#informers = informers
    for (const informer of informers) {
      informer.addHandler((e) => {
        if (workloadExportChanged(e)) this.#bump(e.object.metadata?.namespace ?? '')
      })
    }
  }

  list(namespace: string): WorkloadObject[] {
    return this.#informers.flatMap((informer) => informer.list(namespace).map((o) => ({ ...o, kind: informer.kind.kind, apiVersion: apiVersionOf(informer.kind) }) as WorkloadObject))
  }

  /** Changes seen in `namespaces`, as a string that differs whenever any of them changed. */
  fingerprint(namespaces: readonly string[]): string {
    return namespaces.map((ns) => `${ns}=${this.#changes.get(ns) ?? 0}`).join(',')
  }

  #bump(namespace: string): void {
    this.#changes.set(namespace, (this.#changes.get(namespace) ?? 0) + 1)
  }
}
