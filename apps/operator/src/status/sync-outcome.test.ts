import { expect } from 'chai'
import type { MCPRegistryStatus } from '@thv/registry-model'
import { nextStatus } from './registry-status.js'
import { applySyncOutcome, syncEvents, type SyncOutcome } from './sync-outcome.js'
import { resolveSyncPolicy } from './sync-policy.js'

const now = new Date('2026-01-01T12:00:00Z')
const policy = resolveSyncPolicy({ source: { type: 'configmap', configmap: { name: 'd' } }, syncPolicy: { interval: '1h', retryPolicy: { maxAttempts: 3, backoffInterval: '10s', backoffMultiplier: '2' } } })
const ok: SyncOutcome = { ok: true, serverCount: 4, hash: 'h2', stored: true, storageRef: { type: 'configmap', configMapRef: { name: 'r-registry-storage', namespace: 'ns', key: 'registry.json' } }, source: 'ConfigMap ns/d key registry.json' }
const invalidJson: SyncOutcome = { ok: false, failure: { step: 'data', reason: 'InvalidJson', message: 'Invalid JSON at byte 12' } }
const notFound: SyncOutcome = { ok: false, failure: { step: 'source', reason: 'SourceNotFound', message: 'ConfigMap ns/d not found' } }
const tooLarge: SyncOutcome = { ok: false, failure: { step: 'storage', reason: 'StorageTooLarge', message: 'Could not store the snapshot: too large' } }
const synced: MCPRegistryStatus = { lastSyncTime: '2026-01-01T11:00:00Z', lastSyncHash: 'h1', serverCount: 3, syncAttempts: 0, observedGeneration: 1 }

const attempt = (status: MCPRegistryStatus, outcome: SyncOutcome, trigger: 'spec-changed' | 'retry' = 'spec-changed') => {
  let result: { attempts: number; next: Date | undefined } = { attempts: -1, next: undefined }
  const built = nextStatus({ metadata: { name: 'r', namespace: 'ns', generation: 2 }, status }, now, (draft) => {
    result = applySyncOutcome(draft, outcome, { trigger, policy, now, random: () => 0, manualTrigger: undefined, generation: 2 })
  })
  const conditions = Object.fromEntries((built.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]))
  return { status: built, conditions, ...result }
}

describe('applySyncOutcome', () => {
  it('records a success with every sync condition True and the next interval sync', () => {
    const { status: next, conditions } = attempt(synced, ok)
    expect({ ...next, conditions: undefined, message: undefined }).to.deep.equal({
      lastSyncTime: '2026-01-01T12:00:00Z', lastSyncHash: 'h2', serverCount: 4, syncAttempts: 0, observedGeneration: 2,
      lastAttemptTime: '2026-01-01T12:00:00Z', nextSyncTime: '2026-01-01T13:00:00.000Z', storageRef: ok.ok ? ok.storageRef : undefined,
      phase: 'Pending', conditions: undefined, message: undefined,
    })
    expect(conditions).to.deep.equal({
      SourceAvailable: ['True', 'SourceFetched'], DataValid: ['True', 'DataValidated'], SyncSuccessful: ['True', 'SyncSucceeded'], Ready: ['False', 'APINotReady'],
    })
  })

  it('keeps the last good values on a data failure and schedules a backoff retry', () => {
    const { status: next, conditions, attempts } = attempt(synced, invalidJson)
    expect([next.lastSyncHash, next.serverCount, next.lastSyncTime, attempts, next.nextSyncTime, next.phase]).to.deep.equal(['h1', 3, '2026-01-01T11:00:00Z', 1, '2026-01-01T12:00:10.000Z', 'Failed'])
    expect(conditions).to.deep.include({ SourceAvailable: ['True', 'SourceFetched'], DataValid: ['False', 'InvalidJson'], SyncSuccessful: ['False', 'SyncFailed'] })
    expect(next.conditions?.find((c) => c.type === 'SyncSuccessful')?.message).to.equal(
      'Invalid JSON at byte 12; serving 3 servers from the last good sync; retry 2 of 3 at 2026-01-01T12:00:10Z')
  })

  it('marks the data Unknown when the source cannot be read', () => {
    expect(attempt(synced, notFound).conditions).to.deep.include({ SourceAvailable: ['False', 'SourceNotFound'], DataValid: ['Unknown', 'SourceUnavailable'] })
  })

  it('reports a storage failure on SyncSuccessful with its own reason', () => {
    expect(attempt(synced, tooLarge).conditions).to.deep.include({ DataValid: ['True', 'DataValidated'], SyncSuccessful: ['False', 'StorageTooLarge'] })
  })

  it('stops retrying at maxAttempts and falls back to the interval', () => {
    const { attempts, next, conditions } = attempt({ ...synced, syncAttempts: 2 }, invalidJson, 'retry')
    expect([attempts, next?.toISOString(), conditions['SyncSuccessful']]).to.deep.equal([3, '2026-01-01T13:00:00.000Z', ['False', 'RetriesExhausted']])
  })
})

describe('syncEvents', () => {
  const none = { status: undefined, reason: undefined, message: undefined }
  it('emits Synced when storage changed or the sync recovered, nothing for an unchanged repeat', () => {
    const unchanged: SyncOutcome = { ...ok, stored: false } as SyncOutcome
    expect([
      syncEvents(none, ok, 0, policy).map((e) => e.reason),
      syncEvents({ status: 'True', reason: 'SyncSucceeded', message: 'x' }, unchanged, 0, policy),
      syncEvents({ status: 'False', reason: 'SyncFailed', message: 'x' }, unchanged, 0, policy).map((e) => e.reason),
    ]).to.deep.equal([['Synced'], [], ['Synced']])
  })
  it('emits one Warning when failing starts, none for the same failure again, and RetriesExhausted at the last attempt', () => {
    const failing = { status: 'False', reason: 'SyncFailed', message: 'Invalid JSON at byte 12; serving 3 servers' }
    expect([
      syncEvents({ status: 'True', reason: 'SyncSucceeded', message: 'ok' }, invalidJson, 1, policy).map((e) => [e.type, e.reason]),
      syncEvents(failing, invalidJson, 2, policy),
      syncEvents(failing, invalidJson, 3, policy).map((e) => e.reason),
      syncEvents(failing, notFound, 1, policy).map((e) => e.reason),
    ]).to.deep.equal([[['Warning', 'InvalidData']], [], ['RetriesExhausted'], ['SyncFailed']])
  })
})
