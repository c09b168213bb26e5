/** Server-side apply of (child) objects. */
import type { KubernetesObject } from '@kubernetes/client-node'
import { apiVersionOf, type KindDescriptor } from './kind.js'
import { patchContentType, type KubeClient } from './kube-client.js'

/** Options of {@link applyObject}. */
export interface ApplyOptions {
  /** Field manager owning the applied fields (e.g. `thv-registry-operator`). Required by the API. */
  readonly fieldManager: string
  /** Take over fields owned by other managers; default true (recommended for controllers). */
  readonly force?: boolean
  /** How the API server treats unknown or duplicate fields; `Strict` rejects them (default: the server's, `Warn`). */
  readonly fieldValidation?: 'Strict' | 'Warn' | 'Ignore'
  readonly signal?: AbortSignal
}

/**
 * Server-side applies `desired` (creating or updating it) with Content-Type `application/apply-patch+yaml`.
 * `apiVersion` and `kind` are filled from `kind`; `desired.metadata.name` and (for namespaced kinds)
 * `metadata.namespace` must be set. Send only the fields you own: omitted fields you applied before are removed.
 */
export async function applyObject<T extends KubernetesObject>(client: KubeClient, kind: KindDescriptor, desired: T, options: ApplyOptions): Promise<T> {
  const name = desired.metadata?.name
  if (name === undefined || name === '') throw new Error(`applyObject(${kind.kind}) needs metadata.name`)
  const body = { ...desired, apiVersion: apiVersionOf(kind), kind: kind.kind }
  return client.patch<T>(kind, desired.metadata?.namespace ?? '', name, body, patchContentType.apply, {
    query: { fieldManager: options.fieldManager, force: options.force ?? true, ...(options.fieldValidation === undefined ? {} : { fieldValidation: options.fieldValidation }) },
    signal: options.signal,
  })
}
