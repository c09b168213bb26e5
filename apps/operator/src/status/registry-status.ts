/** Writing an MCPRegistry's status: each controller changes its own fields, then phase and Ready are re-derived. */
import type { KubernetesObject } from '@kubernetes/client-node'
import { derivePhase } from './phase.js'
import {
  findCondition, httpStatusOf, setCondition, updateStatus, type Condition, type ConditionInput, type KubeClient, type ObjectKey,
} from '@thv/k8s-reconcile'
import { ConditionType, type MCPRegistryStatus } from '@thv/registry-model'
import { MCPRegistryKind } from '../kinds.js'

/** An MCPRegistry object as read from the API (metadata as the API server returns it, status typed). */
export type RegistryObject = KubernetesObject & { spec?: unknown; status?: MCPRegistryStatus }

/** A condition whose `status` flipped in a write (for one Event per transition). */
export interface ConditionTransition {
  readonly type: string
  readonly from: Condition['status'] | undefined
  readonly to: Condition
}

/** Helpers a status mutation uses. */
export interface StatusDraft {
  /** The status being built (starts as a copy of the stored one). */
  status: MCPRegistryStatus
  /** Sets a condition with `observedGeneration`; `lastTransitionTime` moves only on a flip. */
  set(condition: Omit<ConditionInput, 'observedGeneration'>): void
}

/**
 * Reads the registry, applies `mutate` to a copy of its status, re-derives `phase`, `message` and the `Ready`
 * condition with {@link derivePhase}, and writes the result through the status subresource with optimistic
 * concurrency (a conflict re-reads and re-applies, so two controllers never overwrite each other's fields or
 * leave a stale phase). Nothing is written when nothing changed. Resolves with the condition transitions of the
 * write that succeeded (none when the object is gone), for Events.
 */
export async function writeRegistryStatus(
  client: KubeClient,
  key: ObjectKey,
  now: Date,
  mutate: (draft: StatusDraft, current: RegistryObject) => void,
  signal?: AbortSignal,
): Promise<readonly ConditionTransition[]> {
  let transitions: ConditionTransition[] = []
  await updateStatus<MCPRegistryStatus, RegistryObject>(
    client,
    MCPRegistryKind,
    key,
    (current) => {
      const next = nextStatus(current, now, mutate)
      transitions = transitionsBetween(current.status?.conditions, next.conditions)
      return next
    },
    { signal },
  )
  return transitions
}

/** The pure part of {@link writeRegistryStatus}: the next status of `current` after `mutate`. */
export function nextStatus(current: RegistryObject, now: Date, mutate: (draft: StatusDraft, current: RegistryObject) => void): MCPRegistryStatus {
  const generation = current.metadata?.generation
  const draft: StatusDraft = {
    status: structuredClone(current.status ?? {}),
    set(condition) {
      const input: ConditionInput = generation === undefined ? condition : { ...condition, observedGeneration: generation }
      draft.status = { ...draft.status, conditions: setCondition(draft.status.conditions ?? [], input, now) }
    },
  }
  mutate(draft, current)
  const terminating = current.metadata?.deletionTimestamp !== undefined && current.metadata.deletionTimestamp !== null
  const derived = derivePhase(draft.status, terminating)
  draft.set({ type: ConditionType.Ready, ...derived.ready })
  const ordered = orderConditions(draft.status.conditions ?? [])
  return { ...draft.status, phase: derived.phase, message: derived.message, conditions: ordered }
}

const ORDER: readonly string[] = [ConditionType.SourceAvailable, ConditionType.DataValid, ConditionType.SyncSuccessful, ConditionType.APIReady, ConditionType.Ready]

/** Conditions in a stable order (ours first, in pipeline order), so equal states serialise equally. */
function orderConditions(conditions: readonly Condition[]): Condition[] {
  const rank = (c: Condition) => (ORDER.includes(c.type) ? ORDER.indexOf(c.type) : ORDER.length)
  return [...conditions].sort((a, b) => rank(a) - rank(b) || a.type.localeCompare(b.type))
}

/** Conditions that are new or whose status changed from `before` to `after`. */
export function transitionsBetween(before: readonly Condition[] | undefined, after: readonly Condition[] | undefined): ConditionTransition[] {
  return (after ?? [])
    .map((c) => ({ type: c.type, from: findCondition(before, c.type)?.status, to: c }))
    .filter((t) => t.from !== t.to.status)
}

/** GETs the registry from the API server (not the cache); `undefined` when it does not exist. */
export async function readRegistry(client: KubeClient, key: ObjectKey, signal?: AbortSignal): Promise<RegistryObject | undefined> {
  try {
    return await client.get<RegistryObject>(MCPRegistryKind, key.namespace, key.name, signal)
  } catch (err) {
    if (httpStatusOf(err) === 404) return undefined
    throw err
  }
}
