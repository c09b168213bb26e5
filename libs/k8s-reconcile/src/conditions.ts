/** Pure helpers for `metav1.Condition` lists (controller-runtime's meta.SetStatusCondition). */

/** A status condition as defined by `metav1.Condition`. */
export interface Condition {
  readonly type: string
  readonly status: 'True' | 'False' | 'Unknown'
  readonly reason: string
  readonly message: string
  /** RFC 3339 time of the last `status` change. */
  readonly lastTransitionTime: string
  readonly observedGeneration?: number
}

/** The condition to set: everything except `lastTransitionTime`, which {@link setCondition} manages. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>

/**
 * Returns a new list with `next` set: an existing condition of the same type is replaced in place, a new one
 * is appended. `lastTransitionTime` becomes `now` only when the type is new or its `status` flipped;
 * otherwise the old time is kept. All other conditions are returned untouched. Never mutates its input.
 * Setting the same value twice returns an equal list (idempotent).
 * @example
 * status.conditions = setCondition(status.conditions ?? [], { type: 'Ready', status: 'True',
 *   reason: 'Synced', message: 'Synced 3 servers', observedGeneration: obj.metadata.generation }, new Date())
 */
export function setCondition(conditions: readonly Condition[], next: ConditionInput, now: Date): Condition[] {
  const index = conditions.findIndex((c) => c.type === next.type)
  const existing = index < 0 ? undefined : conditions[index]
  const lastTransitionTime =
    existing !== undefined && existing.status === next.status ? existing.lastTransitionTime : toRfc3339(now)
  const condition: Condition = { ...next, lastTransitionTime }
  if (index < 0) return [...conditions, condition]
  return conditions.map((c, i) => (i === index ? condition : c))
}

/** The condition of `type`, if present. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type)
}

/** True when the condition of `type` exists with status `True`. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True'
}

/** Returns the list without the condition of `type`. */
export function removeCondition(conditions: readonly Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type)
}

/** RFC 3339 with second precision, as `metav1.Time` serialises. */
function toRfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
