/** Warnings about workloads a `kubernetes` source left out: one Event on the object per change of why. */
import type { KubernetesObject } from '@kubernetes/client-node'
import type { SkippedObject } from '@thv/sources'

/** The object an Event about a skipped workload is about (involvedObject). */
export function skippedObjectRef(w: SkippedObject): KubernetesObject {
  return { apiVersion: w.apiVersion, kind: w.kind, metadata: { namespace: w.namespace, name: w.name, ...(w.uid === undefined ? {} : { uid: w.uid }) } }
}

/** The message of that Event: which registry and source left it out, and why. */
export function skippedMessage(registry: { readonly namespace: string; readonly name: string }, source: string, w: SkippedObject): string {
  return `Not exported to MCPRegistry ${registry.namespace}/${registry.name} (source ${source}): ${w.message}`
}

/**
 * Remembers, per registry and source, why each workload was skipped last, so a Warning goes out once per object and
 * change: {@link next} answers the skipped workloads that are new or skipped for another reason; an object that
 * is exported again is forgotten, so breaking it again warns again.
 */
export class SkippedWarnings {
  readonly #last = new Map<string, Map<string, string>>()

  next(registryUid: string, source: string, skipped: readonly SkippedObject[]): SkippedObject[] {
    const key = `${registryUid}/${source}`
    const before = this.#last.get(key) ?? new Map<string, string>()
    const now = new Map(skipped.map((w) => [`${w.kind}/${w.namespace}/${w.name}/${w.uid ?? ''}`, w.message] as const))
    const fresh = skipped.filter((w) => before.get(`${w.kind}/${w.namespace}/${w.name}/${w.uid ?? ''}`) !== w.message)
    this.#last.set(key, now)
    return fresh
  }

  /** Drops what is remembered of a registry. */
  forget(registryUid: string): void {
    for (const key of [...this.#last.keys()]) if (key.startsWith(`${registryUid}/`)) this.#last.delete(key)
  }
}
