import { expect } from 'chai'
import { sourceSpecHash, type MCPRegistrySourceEntry, type MCPRegistryStatus, type SourceStatus } from '@thv/registry-model'
import { nextStatus } from './registry-status.js'
import {
  applyMultiSourceStatus, applyUnsupported, decideSourceSync, pendingSourceTrigger, sourceEvents, sourceStatusAfter, unsupportedEvents,
  unsupportedFields, unsupportedMessage, unsupportedSourceStatus,
} from './source-status.js'
import type { PublishOutcome, SourceSyncOutcome } from './sync-outcome.js'
import { resolveSyncPolicy } from './sync-policy.js'

const now = new Date('2026-01-01T12:00:00Z')
const policy = resolveSyncPolicy({ syncPolicy: { interval: '1h', retryPolicy: { maxAttempts: 3, backoffInterval: '10s', backoffMultiplier: '2' } } })
const entry: MCPRegistrySourceEntry = { name: 'platform', configMapRef: { name: 'platform-registry', key: 'registry.json' } }
const ref = { type: 'configmap' as const, configMapRef: { name: 'r-platform-source-storage', namespace: 'ns', key: 'registry.json' } }
const ok: SourceSyncOutcome = { ok: true, serverCount: 4, hash: 'h2', stored: true, storageRef: ref, source: 'ConfigMap ns/platform-registry key registry.json', revision: 'etag-1' }
const bad: SourceSyncOutcome = { ok: false, failure: { step: 'data', reason: 'InvalidJson', message: 'Invalid JSON at byte 12' } }
const synced: SourceStatus = {
  name: 'platform', kind: 'configMapRef', phase: 'Ready', specHash: sourceSpecHash(entry), lastAttemptTime: '2026-01-01T11:00:00Z',
  lastSyncTime: '2026-01-01T11:00:00Z', lastSyncHash: 'h1', serverCount: 3, syncAttempts: 0, nextSyncTime: '2026-01-01T13:00:00Z',
}
const decide = (status: SourceStatus | undefined, extra: Partial<Parameters<typeof decideSourceSync>[0]> = {}) =>
  decideSourceSync({ entry, status, annotations: undefined, registryTrigger: undefined, sourceChanged: false, now, ...extra }, policy)

describe('decideSourceSync', () => {
  it('syncs a source never attempted, one whose spec changed, on either trigger and on a source change', () => {
    expect(decide(undefined)).to.deep.equal({ sync: true, trigger: 'initial' })
    expect(decide({ ...synced, specHash: 'other' })).to.deep.equal({ sync: true, trigger: 'spec-changed' })
    expect(decide(synced, { registryTrigger: 'x' })).to.deep.equal({ sync: true, trigger: 'manual-trigger' })
    expect(decide(synced, { annotations: { 'toolhive.stacklok.dev/sync-trigger-platform': 'v1' } })).to.deep.equal({ sync: true, trigger: 'manual-trigger' })
    expect(decide({ ...synced, lastManualSyncTrigger: 'v1' }, { annotations: { 'toolhive.stacklok.dev/sync-trigger-platform': 'v1' } })).to.deep.equal({ sync: false, requeueAfterMs: 3_600_000 })
    expect(decide(synced, { annotations: { 'toolhive.stacklok.dev/sync-trigger-other': 'v1' } })).to.deep.equal({ sync: false, requeueAfterMs: 3_600_000 })
    expect(decide(synced, { sourceChanged: true })).to.deep.equal({ sync: true, trigger: 'source-changed' })
  })

  it('follows the source\'s own schedule: retry while failing, interval otherwise', () => {
    expect(decide({ ...synced, syncAttempts: 1, nextSyncTime: '2026-01-01T11:59:59Z' })).to.deep.equal({ sync: true, trigger: 'retry' })
    expect(decide({ ...synced, nextSyncTime: '2026-01-01T12:00:00Z' })).to.deep.equal({ sync: true, trigger: 'interval' })
    const { nextSyncTime: _n, ...manual } = synced
    expect(decide(manual)).to.deep.equal({ sync: false, requeueAfterMs: undefined })
  })

  it('reads only the source\'s own trigger annotation', () => {
    expect(pendingSourceTrigger({ 'toolhive.stacklok.dev/sync-trigger-platform': 'a', 'toolhive.stacklok.dev/sync-trigger': 'b' }, 'platform', undefined)).to.equal('a')
    expect(pendingSourceTrigger({ 'toolhive.stacklok.dev/sync-trigger-platform': '' }, 'platform', undefined)).to.equal(undefined)
  })
})

describe('sourceStatusAfter', () => {
  it('records a success with the last good fields, the revision and the next interval', () => {
    expect(sourceStatusAfter(synced, entry, ok, { trigger: 'interval', policy, now, random: () => 0, manualTrigger: 'v2' })).to.deep.equal({
      name: 'platform', kind: 'configMapRef', phase: 'Ready', specHash: sourceSpecHash(entry), message: 'Synced 4 servers from ConfigMap ns/platform-registry key registry.json',
      lastAttemptTime: '2026-01-01T12:00:00Z', lastSyncTime: '2026-01-01T12:00:00Z', lastSyncHash: 'h2', serverCount: 4, revision: 'etag-1',
      syncAttempts: 0, nextSyncTime: '2026-01-01T13:00:00Z', lastManualSyncTrigger: 'v2',
    })
  })

  it('counts the workloads a kubernetes source skipped', () => {
    const k8s = { name: 'running', kubernetes: {} }
    const skipped = [{ kind: 'MCPServer', apiVersion: 'toolhive.stacklok.dev/v1alpha1', namespace: 'ns', name: 'bad', message: 'annotation x is missing' }]
    const after = sourceStatusAfter(undefined, k8s, { ...ok, skipped }, { trigger: 'source-changed', policy, now, random: () => 0, manualTrigger: undefined })
    expect([after.kind, after.phase, after.skippedCount]).to.deep.equal(['kubernetes', 'Ready', 1])
    expect(after.message).to.match(/; 1 workload skipped for malformed export annotations \(see their RegistryExportSkipped Events\)$/)
    expect(sourceStatusAfter(undefined, entry, ok, { trigger: 'initial', policy, now, random: () => 0, manualTrigger: undefined })).to.not.have.property('skippedCount')
  })

  it('keeps the last good fields on a failure, says they are still served, and backs off', () => {
    const after = sourceStatusAfter(synced, entry, bad, { trigger: 'source-changed', policy, now, random: () => 0, manualTrigger: undefined })
    expect([after.phase, after.reason, after.lastSyncHash, after.serverCount, after.syncAttempts, after.nextSyncTime]).to.deep.equal(['Failed', 'InvalidJson', 'h1', 3, 1, '2026-01-01T12:00:10Z'])
    expect(after.message).to.equal('Invalid JSON at byte 12; its last good 3 servers are still served; retry 2 of 3 at 2026-01-01T12:00:10Z')
    const never = sourceStatusAfter(undefined, entry, bad, { trigger: 'initial', policy, now, random: () => 0, manualTrigger: undefined })
    expect(never.message).to.include('it contributes nothing until it syncs')
  })

  it('marks a source of an unimplemented kind Unsupported', () => {
    const s = unsupportedSourceStatus(undefined, { name: 'w', managed: {} })
    expect([s.phase, s.kind, s.message]).to.deep.equal(['Unsupported', 'managed', 'Source kind managed is accepted but not implemented; the source contributes nothing'])
  })
})

describe('applyMultiSourceStatus', () => {
  const published: PublishOutcome = {
    ok: true, empty: false, hash: 'm1', serverCount: 7, stored: true, storedBytes: 10, storageRef: { type: 'configmap', configMapRef: { name: 'r-registry-storage', namespace: 'ns', key: 'registry.json' } },
    shadowed: [], counts: [{ name: 'platform', served: 4, shadowed: 0 }, { name: 'community', served: 3, shadowed: 2 }],
  }
  const round = (sources: SourceStatus[], publish: PublishOutcome | undefined, status: MCPRegistryStatus = {}) => {
    const built = nextStatus({ metadata: { name: 'r', namespace: 'ns', generation: 3 }, status }, now, (draft) => {
      applyMultiSourceStatus(draft, sources, { now, generation: 3, registryTrigger: undefined, publish })
    })
    return { status: built, conditions: Object.fromEntries((built.conditions ?? []).map((c) => [c.type, [c.status, c.reason, c.message]])) }
  }
  const community: SourceStatus = { ...synced, name: 'community', nextSyncTime: '2026-01-01T12:30:00Z' }

  it('writes the merge into the top-level fields, counts ready sources and shadowed names', () => {
    const { status, conditions } = round([synced, community], published)
    expect([status.lastSyncHash, status.serverCount, status.sourcesReady, status.nextSyncTime, status.observedGeneration]).to.deep.equal(['m1', 7, '2/2', '2026-01-01T12:30:00Z', 3])
    expect(status.sources?.map((s) => [s.name, s.shadowedCount])).to.deep.equal([['platform', 0], ['community', 2]])
    expect(conditions['SyncSuccessful']).to.deep.equal(['True', 'SourcesSynced', 'Synced 2 sources; serving 7 servers'])
  })

  it('names every failing source in the conditions of its step; a failing source with data still counts as ready', () => {
    const broken: SourceStatus = { ...community, phase: 'Failed', reason: 'InvalidJson', message: 'Invalid JSON at byte 12; its last good 3 servers are still served' }
    const gone: SourceStatus = { name: 'gone', phase: 'Failed', reason: 'SourceNotFound', message: 'ConfigMap ns/gone not found; it contributes nothing until it syncs' }
    const { status, conditions } = round([synced, broken, gone], published)
    expect(status.sourcesReady).to.equal('2/3')
    expect(conditions['SourceAvailable']).to.deep.equal(['False', 'SourcesFailing', `1 of 3 sources could not be read: gone (SourceNotFound): ${gone.message}`])
    expect(conditions['DataValid']).to.deep.equal(['False', 'SourcesFailing', `1 of 3 sources have invalid data: community (InvalidJson): ${broken.message}`])
    expect(conditions['SyncSuccessful']?.[0]).to.equal('False')
    expect(conditions['SyncSuccessful']?.[2]).to.include('2 of 3 sources failing: community (InvalidJson)').and.include('gone (SourceNotFound)')
    expect(status.phase).to.equal('Failed')
  })

  it('reports a failed merge (an invalid global filter) in DataValid', () => {
    const { conditions } = round([synced], { ok: false, failure: { step: 'data', reason: 'InvalidFilter', message: 'spec.filter: bad glob' } })
    expect(conditions['DataValid']).to.deep.equal(['False', 'InvalidFilter', 'spec.filter: bad glob'])
    expect(conditions['SyncSuccessful']?.[2]).to.equal('merging the sources failed: spec.filter: bad glob')
  })
})

describe('unsupported fields', () => {
  it('lists the accepted but unimplemented paths of the spec', () => {
    expect(unsupportedFields({
      sources: [{ name: 'a', configMapRef: { name: 'd', key: 'k', optional: true }, claims: { team: 'a' } }, { name: 'w', managed: {} }, { name: 'k', kubernetes: {} }],
      registries: [{ name: 'v', sources: ['a'], claims: { team: 'a' } }], databaseConfig: {}, enforceServers: false,
      authConfig: { mode: 'anonymous', authz: { roles: { superAdmin: ['x'] } } },
    })).to.deep.equal([
      'spec.databaseConfig', 'spec.enforceServers', 'spec.authConfig.authz', 'spec.sources[0].configMapRef.optional', 'spec.sources[1].managed',
    ])
    expect(unsupportedFields({ source: { type: 'configmap', configmap: { name: 'd' } } })).to.deep.equal([])
  })

  it('sets the condition True with the paths, flips it False when they go, never adds it otherwise', () => {
    const withPaths = nextStatus({ metadata: { name: 'r' }, status: {} }, now, (d) => applyUnsupported(d, ['spec.enforceServers']))
    expect(withPaths.conditions?.find((c) => c.type === 'Unsupported')).to.deep.include({ status: 'True', reason: 'UnsupportedFields', message: unsupportedMessage(['spec.enforceServers']) })
    const cleared = nextStatus({ metadata: { name: 'r' }, status: withPaths }, now, (d) => applyUnsupported(d, []))
    expect(cleared.conditions?.find((c) => c.type === 'Unsupported')).to.deep.include({ status: 'False', reason: 'NoUnsupportedFields' })
    const never = nextStatus({ metadata: { name: 'r' }, status: {} }, now, (d) => applyUnsupported(d, []))
    expect(never.conditions?.some((c) => c.type === 'Unsupported')).to.equal(false)
  })

  it('sends one Warning Event per change of the paths', () => {
    expect(unsupportedEvents(undefined, ['spec.enforceServers'])).to.have.length(1)
    const reported: MCPRegistryStatus = { conditions: [{ type: 'Unsupported', status: 'True', reason: 'UnsupportedFields', message: unsupportedMessage(['spec.enforceServers']), lastTransitionTime: 'x' }] }
    expect(unsupportedEvents(reported, ['spec.enforceServers'])).to.deep.equal([])
    expect(unsupportedEvents(reported, ['spec.enforceServers', 'spec.databaseConfig'])).to.have.length(1)
    expect(unsupportedEvents(undefined, [])).to.deep.equal([])
  })
})

describe('sourceEvents', () => {
  it('announces a stored sync or a recovery, and a new failure once, each naming the source', () => {
    const after = sourceStatusAfter(synced, entry, ok, { trigger: 'interval', policy, now, random: () => 0, manualTrigger: undefined })
    expect(sourceEvents(synced, after, ok, policy).map((e) => [e.type, e.reason, e.message])).to.deep.equal([['Normal', 'Synced', 'Source platform: synced 4 servers from ConfigMap ns/platform-registry key registry.json']])
    expect(sourceEvents(synced, after, { ...ok, stored: false }, policy)).to.deep.equal([])
    const failed = sourceStatusAfter(synced, entry, bad, { trigger: 'source-changed', policy, now, random: () => 0, manualTrigger: undefined })
    expect(sourceEvents(synced, failed, bad, policy).map((e) => [e.reason, e.message])).to.deep.equal([['InvalidData', 'Source platform: Invalid JSON at byte 12 (InvalidJson)']])
    const again = sourceStatusAfter(failed, entry, bad, { trigger: 'retry', policy, now, random: () => 0, manualTrigger: undefined })
    expect(sourceEvents(failed, again, bad, policy)).to.deep.equal([])
  })
})
