/**
 * The operator's in-process event bus: triggers between controllers, never state. Which reactions go through the
 * bus and which are level-based watches is explained in the operator's README ("Watches and the event bus").
 */
import type { EventBus } from '@thv/k8s-reconcile'

/** Identifies a registry. */
export interface RegistryRef {
  readonly namespace: string
  readonly name: string
}

/**
 * Events on the bus. A subscriber only turns an event into a work-queue key; its reconcile reads current state, so a
 * lost event only delays work until the next watch event or resync.
 */
export interface OperatorEvents extends Record<string, unknown> {
  /**
   * A sync of the registry succeeded, so `status.lastSyncTime` is set. The API deploy controller filters status
   * changes out of its MCPRegistry watch (it reacts to spec changes and its owned objects), so this event is what
   * makes it deploy the API right after the first sync.
   */
  RegistrySynced: RegistryRef
}

/** The operator's bus. */
export type OperatorBus = EventBus<OperatorEvents>

/** The part of a controller the bus needs: queuing a registry's key. */
export interface Enqueues {
  enqueue(ref: RegistryRef): void
}

/** Connects the bus to its subscribers: `RegistrySynced` queues the registry in the API deploy controller. */
export function connectOperatorBus(bus: OperatorBus, subscribers: { readonly apiDeploy: Enqueues }): void {
  bus.subscribe('RegistrySynced', (ref) => subscribers.apiDeploy.enqueue({ namespace: ref.namespace, name: ref.name }))
}
