/** Pure derivation of an MCPRegistry's phase, message and Ready condition from the rest of its status. */
import { findCondition } from '@thv/k8s-reconcile'
import {
  ConditionReason,
  ConditionType,
  type MCPRegistryPhase,
  type MCPRegistryStatus,
} from '@thv/registry-model'
import { counted } from './counted.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The state of the registry API as read from the `APIReady` condition.
 */
export type ApiState = 'NotDeployed' | 'Deploying' | 'Ready' | 'Error'

/**
 * What {@link derivePhase} computes: the phase, its message and the `Ready` condition's status/reason/message.
 */
export interface DerivedPhase {
  readonly phase: MCPRegistryPhase
  readonly message: string
  readonly ready: {
    readonly status: 'True' | 'False'
    readonly reason: string
    readonly message: string
  }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Reads the API state from the `APIReady` condition: `True` → Ready; `False` with reason `ApplyFailed` → Error;
 * other `False` reasons (`DeploymentNotAvailable`) → Deploying; absent, Unknown or `WaitingForData` → NotDeployed.
 */
export function apiStateOf(status: MCPRegistryStatus | undefined): ApiState {
  const c = findCondition(status?.conditions, ConditionType.APIReady)
  if (c === undefined || c.status === 'Unknown') return 'NotDeployed'
  if (c.status === 'True') return 'Ready'
  if (c.reason === ConditionReason.ApplyFailed) return 'Error'
  if (c.reason === ConditionReason.WaitingForData) return 'NotDeployed'
  return 'Deploying'
}

/**
 * Derives the phase from the status alone, so that every writer computes the same value and a steady state
 * never oscillates. Rules, first match wins (ToolHive's table with a terminating rule in front):
 *
 * 1. being deleted → `Terminating`
 * 2. the last sync attempt failed (`SyncSuccessful=False`) → `Failed`, "Sync failed: …" (and how much data is
 *    still served from the last good sync)
 * 3. the API could not be applied (`APIReady=False/ApplyFailed`) → `Failed`
 * 4. synced at least once (`lastSyncTime` set) and API Ready → `Ready`
 * 5. synced and the API deploying → `Pending`, "… API deployment in progress"
 * 6. synced, API not deployed → `Pending`, "… API deployment pending"
 * 7. otherwise → `Pending`, "Registry initialization in progress"
 *
 * `Ready` is `True` iff data was synced at least once and the API is available (so a failed re-sync that keeps
 * serving the last good data stays Ready while the phase says Failed). `Syncing` is never derived: a sync runs
 * within one reconcile and its status is written once at the end (it stays in the enum for ToolHive manifests).
 *
 * @example
 * derivePhase({ lastSyncTime: '2026-01-01T00:00:00Z', serverCount: 3, conditions: [] }, false).phase // 'Pending'
 */
export function derivePhase(status: MCPRegistryStatus | undefined, terminating: boolean): DerivedPhase {
  const synced = status?.lastSyncTime !== undefined
  const api = apiStateOf(status)
  const apiCondition = findCondition(status?.conditions, ConditionType.APIReady)
  const sync = findCondition(status?.conditions, ConditionType.SyncSuccessful)
  const servers = status?.serverCount ?? 0
  const ready = synced && api === 'Ready'
  const readyCondition = ready
    ? { status: 'True' as const, reason: ConditionReason.RegistryReady, message: `Serving ${counted(servers, 'server')}` }
    : !synced
      ? { status: 'False' as const, reason: ConditionReason.NotSynced, message: 'No successful sync yet' }
      : { status: 'False' as const, reason: ConditionReason.APINotReady, message: apiCondition?.message ?? 'The registry API is not deployed yet' }

  if (terminating) {
    return {
      phase: 'Terminating',
      message: 'MCPRegistry is being deleted',
      ready: { status: 'False', reason: ConditionReason.Terminating, message: 'MCPRegistry is being deleted' },
    }
  }
  if (sync?.status === 'False') {
    const kept = synced ? `; serving ${servers} servers from the last good sync` : ''
    return { phase: 'Failed', message: `Sync failed: ${sync.message}${kept}`, ready: readyCondition }
  }
  if (api === 'Error') {
    return { phase: 'Failed', message: `API deployment failed: ${apiCondition?.message ?? ''}`, ready: readyCondition }
  }
  if (synced && api === 'Ready') return { phase: 'Ready', message: `Synced ${counted(servers, 'server')}; the API is serving them`, ready: readyCondition }
  if (synced && api === 'Deploying') return { phase: 'Pending', message: 'Registry data synced, API deployment in progress', ready: readyCondition }
  if (synced) return { phase: 'Pending', message: 'Registry data synced, API deployment pending', ready: readyCondition }
  return { phase: 'Pending', message: 'Registry initialization in progress', ready: readyCondition }
}
