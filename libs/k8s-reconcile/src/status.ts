/** Status writes through the status subresource with optimistic concurrency and conflict retries. */
import { isDeepStrictEqual } from 'node:util'
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node'
import { defaults } from './defaults.js'
import type { KindDescriptor, ObjectKey } from './kind.js'
import { httpStatusOf } from '@thv/kube-calls'
import { patchContentType, type KubeClient } from './kube-client.js'

/** An object with a status of type `S`. */
export type WithStatus<S> = KubernetesObject & { status?: S }

/** Options of {@link updateStatus}. */
export interface UpdateStatusOptions {
  /** Attempts on 409 Conflict (re-read and recompute each time). Default 5. */
  readonly maxAttempts?: number
  readonly signal?: AbortSignal
}

/** Status could not be written because the object kept changing. */
export class StatusConflictError extends Error {
  override readonly name = 'StatusConflictError'
  constructor(readonly kind: string, readonly key: ObjectKey, readonly attempts: number, options: { cause: unknown }) {
    super(`Could not update status of ${kind} ${key.namespace}/${key.name}: still conflicting after ${attempts} attempts`, options)
  }
}

const customObjectsApis = new WeakMap<KubeClient, CustomObjectsApi>()

/**
 * Reads the object, computes its next status with `compute` and writes it through the status subresource
 * as a JSON merge patch carrying `metadata.resourceVersion` (so a concurrent write yields 409, and we re-read
 * and recompute). No request is sent when `compute` returns undefined or a status equal to the current one,
 * which keeps a reconciler that writes its own status from waking itself forever.
 * Resolves with the object as stored, or undefined when it no longer exists.
 * Custom resources go through client-node's `CustomObjectsApi` with an explicit merge-patch Content-Type.
 */
export async function updateStatus<S, T extends WithStatus<S> = WithStatus<S>>(
  client: KubeClient,
  kind: KindDescriptor,
  key: ObjectKey,
  compute: (current: T) => S | undefined | Promise<S | undefined>,
  options: UpdateStatusOptions = {},
): Promise<T | undefined> {
  const maxAttempts = options.maxAttempts ?? defaults.statusConflictRetries
  let lastConflict: unknown
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let current: T
    try {
      current = await client.get<T>(kind, key.namespace, key.name, options.signal)
    } catch (err) {
      if (httpStatusOf(err) === 404) return undefined
      throw err
    }
    const computed = await compute(current)
    if (computed === undefined) return current
    const next = JSON.parse(JSON.stringify(computed)) as S
    if (isDeepStrictEqual(next, current.status)) return current
    const body = { metadata: { resourceVersion: current.metadata?.resourceVersion }, status: withDeletions(current.status, next) }
    try {
      return await patchStatus<T>(client, kind, key, body, options.signal)
    } catch (err) {
      if (httpStatusOf(err) !== 409) throw err
      lastConflict = err
    }
  }
  throw new StatusConflictError(kind.kind, key, maxAttempts, { cause: lastConflict })
}

async function patchStatus<T extends KubernetesObject>(client: KubeClient, kind: KindDescriptor, key: ObjectKey, body: object, signal?: AbortSignal): Promise<T> {
  if (kind.group === '') {
    return client.patch<T>(kind, key.namespace, key.name, body, patchContentType.merge, { subresource: 'status', signal })
  }
  let api = customObjectsApis.get(client)
  if (api === undefined) {
    api = client.kubeConfig.makeApiClient(CustomObjectsApi)
    customObjectsApis.set(client, api)
  }
  const base = { group: kind.group, version: kind.version, plural: kind.plural, name: key.name, body }
  // Generated patch methods default to application/json-patch+json; a merge patch must say so.
  const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
  const result: unknown = kind.namespaced
    ? await api.patchNamespacedCustomObjectStatus({ ...base, namespace: key.namespace }, options)
    : await api.patchClusterCustomObjectStatus(base, options)
  return result as T
}

/** A merge patch only adds and replaces keys; set keys missing from `next` to null so they are removed. */
function withDeletions(current: unknown, next: unknown): unknown {
  if (typeof current !== 'object' || current === null || typeof next !== 'object' || next === null || Array.isArray(next)) return next
  const out: Record<string, unknown> = { ...(next as Record<string, unknown>) }
  for (const k of Object.keys(current)) if (!(k in out)) out[k] = null
  return out
}
