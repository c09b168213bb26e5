/** Event filters deciding which watch events enqueue a key (controller-runtime's pkg/predicate). */
import type { KubernetesObject } from '@kubernetes/client-node'

/** A watch event as seen by predicates and map functions. */
export type WatchEvent =
  | { readonly type: 'create'; readonly object: KubernetesObject }
  | { readonly type: 'update'; readonly old: KubernetesObject; readonly object: KubernetesObject }
  | { readonly type: 'delete'; readonly object: KubernetesObject }

/** Returns true when the event should enqueue its key(s). */
export type Predicate = (event: WatchEvent) => boolean

/**
 * Passes creates, deletes and updates that changed `metadata.generation`. Caveat (as in controller-runtime):
 * a write that touches only status does not bump generation and so does not trigger a reconcile; kinds
 * without a generation (e.g. ConfigMap) never pass updates, so use it on the `for` kind only.
 */
export const generationChanged: Predicate = (e) =>
  e.type !== 'update' || e.old.metadata?.generation !== e.object.metadata?.generation

/** Passes creates, deletes and updates where the annotation `key` changed (added, removed or new value). */
export function annotationChanged(key: string): Predicate {
  return (e) => e.type !== 'update' || e.old.metadata?.annotations?.[key] !== e.object.metadata?.annotations?.[key]
}

/** Passes creates, deletes and updates where label `key` changed, or any label when `key` is omitted. */
export function labelChanged(key?: string): Predicate {
  return (e) => {
    if (e.type !== 'update') return true
    const a = e.old.metadata?.labels ?? {}
    const b = e.object.metadata?.labels ?? {}
    if (key !== undefined) return a[key] !== b[key]
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].some((k) => a[k] !== b[k])
  }
}

/** Passes updates where `metadata.resourceVersion` changed (drops periodic resync events). */
export const resourceVersionChanged: Predicate = (e) =>
  e.type !== 'update' || e.old.metadata?.resourceVersion !== e.object.metadata?.resourceVersion

/** Passes when every predicate passes (true for none). */
export function and(...predicates: Predicate[]): Predicate {
  return (e) => predicates.every((p) => p(e))
}

/** Passes when any predicate passes (false for none). */
export function or(...predicates: Predicate[]): Predicate {
  return (e) => predicates.some((p) => p(e))
}

/** Inverts a predicate. */
export function not(predicate: Predicate): Predicate {
  return (e) => !predicate(e)
}
