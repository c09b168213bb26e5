/** The operator's in-process event bus vocabulary (DESIGN §2): triggers between controllers, never state. */
import type { EventBus } from '@thv/k8s-reconcile'

/** Identifies a registry. */
export interface RegistryRef {
  readonly namespace: string
  readonly name: string
}

/** Events on the bus. Subscribers turn them into work-queue keys; a lost event only delays work until the next resync. */
export interface OperatorEvents extends Record<string, unknown> {
  /** A sync succeeded (storage may or may not have changed). */
  RegistrySynced: RegistryRef & { readonly hash: string; readonly serverCount: number; readonly stored: boolean }
  /** A sync attempt failed; the last good snapshot stays. */
  RegistrySyncFailed: RegistryRef & { readonly reason: string }
  /** The set of MCPServers labelled for a registry changed. */
  DeployedServersChanged: RegistryRef & { readonly count: number }
  /** The registry API objects were applied. */
  ApiDeployed: RegistryRef & { readonly ready: boolean }
}

/** The operator's bus. */
export type OperatorBus = EventBus<OperatorEvents>
