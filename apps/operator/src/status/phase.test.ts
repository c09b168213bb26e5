import { expect } from 'chai'
import type { MCPRegistryStatus } from '@thv/registry-model'
import { apiStateOf, derivePhase } from './phase.js'

/** One condition of the status, as the model types it. */
type Condition = NonNullable<MCPRegistryStatus['conditions']>[number]

const at = '2026-01-01T00:00:00Z'
const cond = (type: string, status: Condition['status'], reason: string, message = `${type} ${status}`): Condition =>
  ({ type, status, reason, message, lastTransitionTime: at })
const apiReady = cond('APIReady', 'True', 'DeploymentAvailable')
const apiDeploying = cond('APIReady', 'False', 'DeploymentNotAvailable', 'Deployment has 0 of 1 replicas available')
const apiError = cond('APIReady', 'False', 'ApplyFailed', 'Deployment is invalid')
const syncOk = cond('SyncSuccessful', 'True', 'SyncSucceeded')
const syncFailed = cond('SyncSuccessful', 'False', 'SyncFailed', 'ConfigMap ns/data has no key registry.json')
const synced = (conditions: Condition[]): MCPRegistryStatus => ({ lastSyncTime: at, serverCount: 7, conditions })

describe('derivePhase', () => {
  const cases: ReadonlyArray<[string, MCPRegistryStatus | undefined, boolean, string, string, string]> = [
    ['no status yet', undefined, false, 'Pending', 'Registry initialization in progress', 'False'],
    ['deletion first, whatever the rest', synced([syncOk, apiReady]), true, 'Terminating', 'MCPRegistry is being deleted', 'False'],
    ['a failed sync before any success', { conditions: [syncFailed] }, false, 'Failed',
      'Sync failed: ConfigMap ns/data has no key registry.json', 'False'],
    ['a failed re-sync that keeps serving', synced([syncFailed, apiReady]), false, 'Failed',
      'Sync failed: ConfigMap ns/data has no key registry.json; serving 7 servers from the last good sync', 'True'],
    ['an API that cannot be applied', synced([syncOk, apiError]), false, 'Failed', 'API deployment failed: Deployment is invalid', 'False'],
    ['synced and API available', synced([syncOk, apiReady]), false, 'Ready', 'Synced 7 servers; the API is serving them', 'True'],
    ['synced, API deploying', synced([syncOk, apiDeploying]), false, 'Pending', 'Registry data synced, API deployment in progress', 'False'],
    ['synced, API not deployed', synced([syncOk]), false, 'Pending', 'Registry data synced, API deployment pending', 'False'],
    ['API ready but never synced', { conditions: [apiReady] }, false, 'Pending', 'Registry initialization in progress', 'False'],
  ]
  for (const [title, status, terminating, phase, message, ready] of cases) {
    it(`derives ${phase} for ${title}`, () => {
      const d = derivePhase(status, terminating)
      expect({ phase: d.phase, message: d.message, ready: d.ready.status }).to.deep.equal({ phase, message, ready })
    })
  }

  it('is a function of the status alone (same input, same output)', () => {
    const status = synced([syncFailed, apiDeploying])
    expect(derivePhase(status, false)).to.deep.equal(derivePhase(structuredClone(status), false))
  })
})

describe('apiStateOf', () => {
  const cases: ReadonlyArray<[string, Condition | undefined, string]> = [
    ['no condition', undefined, 'NotDeployed'],
    ['waiting for data', cond('APIReady', 'False', 'WaitingForData'), 'NotDeployed'],
    ['unknown', cond('APIReady', 'Unknown', 'WaitingForData'), 'NotDeployed'],
    ['available', apiReady, 'Ready'],
    ['not available', apiDeploying, 'Deploying'],
    ['apply failed', apiError, 'Error'],
  ]
  for (const [title, c, state] of cases) {
    it(`reads ${state} from ${title}`, () => expect(apiStateOf({ conditions: c === undefined ? [] : [c] })).to.equal(state))
  }
})
