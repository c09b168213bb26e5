import { expect } from 'chai'
import fc from 'fast-check'
import type { MCPRegistrySpec, MCPRegistryStatus } from '@thv/registry-model'
import { resolveSyncPolicy, SyncPolicyDefaults } from './sync-policy.js'
import { attemptsAfter, decideSync, nextSyncTime, pendingManualTrigger, retryDelayMs } from './sync-schedule.js'

const source = { type: 'configmap' as const, configmap: { name: 'data' } }
const now = new Date('2026-01-01T12:00:00Z')
const iso = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString()
const zero = () => 0
const policyOf = (syncPolicy?: MCPRegistrySpec['syncPolicy']) => resolveSyncPolicy({ source, ...(syncPolicy ? { syncPolicy } : {}) })

describe('resolveSyncPolicy', () => {
  it('fills every default when syncPolicy is absent (manual, 5 attempts, 30s, x2)', () => {
    expect(policyOf()).to.deep.equal({ automatic: false, intervalMs: undefined, maxAttempts: 5, backoffMs: 30_000, backoffMultiplier: 2 })
  })
  it('treats an interval without type as automatic (ToolHive shape)', () => {
    expect(policyOf({ interval: '1h' })).to.include({ automatic: true, intervalMs: 3_600_000 })
  })
  it('ignores the interval in manual mode', () => {
    expect(policyOf({ type: 'manual', interval: '1h' })).to.include({ automatic: false, intervalMs: undefined })
  })
  it('reads the retry policy', () => {
    expect(policyOf({ retryPolicy: { maxAttempts: 3, backoffInterval: '2s', backoffMultiplier: '1.5' } }))
      .to.include({ maxAttempts: 3, backoffMs: 2000, backoffMultiplier: 1.5 })
  })
  it('raises a zero interval to the minimum so that it cannot busy-loop', () => {
    expect(policyOf({ interval: '0s' }).intervalMs).to.equal(SyncPolicyDefaults.minIntervalMs)
  })
})

describe('decideSync', () => {
  const auto = policyOf({ interval: '1m' })
  const synced: MCPRegistryStatus = { observedGeneration: 2, lastAttemptTime: iso(-10_000), lastSyncTime: iso(-10_000), syncAttempts: 0, nextSyncTime: iso(50_000) }
  const input = (status: MCPRegistryStatus | undefined, extra: { annotations?: Record<string, string>; sourceChanged?: boolean } = {}) =>
    ({ generation: 2, annotations: extra.annotations, status, sourceChanged: extra.sourceChanged ?? false, now })

  const cases: ReadonlyArray<[string, ReturnType<typeof input>, ReturnType<typeof decideSync>]> = [
    ['a new object', input(undefined), { sync: true, trigger: 'spec-changed' }],
    ['a spec change', input({ ...synced, observedGeneration: 1 }), { sync: true, trigger: 'spec-changed' }],
    ['a new manual trigger', input(synced, { annotations: { 'toolhive.stacklok.dev/sync-trigger': '17' } }), { sync: true, trigger: 'manual-trigger' }],
    ['a source change', input(synced, { sourceChanged: true }), { sync: true, trigger: 'source-changed' }],
    ['an object never attempted', input({ observedGeneration: 2 }), { sync: true, trigger: 'initial' }],
    ['the interval not yet due', input(synced), { sync: false, requeueAfterMs: 50_000 }],
    ['the interval due', input({ ...synced, nextSyncTime: iso(0) }), { sync: true, trigger: 'interval' }],
    ['a due retry', input({ ...synced, syncAttempts: 2, nextSyncTime: iso(-1) }), { sync: true, trigger: 'retry' }],
    ['exhausted retries then the interval due', input({ ...synced, syncAttempts: 5, nextSyncTime: iso(-1) }), { sync: true, trigger: 'interval' }],
    ['nothing scheduled (manual mode, exhausted)', input({ ...synced, syncAttempts: 5, nextSyncTime: undefined }), { sync: false, requeueAfterMs: undefined }],
    ['a manual trigger already processed', input({ ...synced, lastManualSyncTrigger: '17' }, { annotations: { 'toolhive.stacklok.dev/sync-trigger': '17' } }),
      { sync: false, requeueAfterMs: 50_000 }],
  ]
  for (const [title, i, expected] of cases) it(`decides ${JSON.stringify(expected)} for ${title}`, () => expect(decideSync(i, auto)).to.deep.equal(expected))

  it('never asks to sync again right after recording an attempt (no hot loop)', () => {
    fc.assert(fc.property(fc.boolean(), fc.integer({ min: 0, max: 8 }), fc.constantFrom(...['spec-changed', 'retry', 'interval', 'manual-trigger'] as const), fc.double({ min: 0, max: 0.999, noNaN: true }),
      (succeeded, previous, trigger, r) => {
        const attempts = attemptsAfter(previous, trigger, succeeded)
        const next = nextSyncTime(auto, attempts, now, () => r)
        const status: MCPRegistryStatus = { observedGeneration: 2, lastAttemptTime: now.toISOString(), syncAttempts: attempts, ...(next ? { nextSyncTime: next.toISOString() } : {}) }
        return decideSync(input(status), auto).sync === false
      }))
  })
})

describe('retryDelayMs', () => {
  const policy = policyOf({ retryPolicy: { backoffInterval: '30s', backoffMultiplier: '2' } })
  it('grows as backoff x multiplier^(n-1)', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n, zero))).to.deep.equal([30_000, 60_000, 120_000, 240_000])
  })
  it('adds at most 10 % jitter', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (n, r) => {
      const d = retryDelayMs(policy, n, () => r)
      const base = retryDelayMs(policy, n, zero)
      return d >= base && d <= base * 1.1
    }))
  })
  it('caps the delay at one hour', () => expect(retryDelayMs(policy, 40, zero)).to.equal(3_600_000))
})

describe('attemptsAfter and nextSyncTime', () => {
  const policy = policyOf({ retryPolicy: { maxAttempts: 3, backoffInterval: '1s' } })
  it('counts a retry failure on top, restarts the round on a new trigger, resets on success', () => {
    expect([attemptsAfter(2, 'retry', false), attemptsAfter(3, 'manual-trigger', false), attemptsAfter(2, 'retry', true)]).to.deep.equal([3, 1, 0])
  })
  it('schedules retries until maxAttempts and then nothing in manual mode', () => {
    expect([1, 2, 3].map((n) => nextSyncTime(policy, n, now, zero)?.toISOString())).to.deep.equal([iso(1000), iso(2000), undefined])
  })
  it('schedules the next interval sync after a success in automatic mode', () => {
    expect(nextSyncTime(policyOf({ interval: '10m' }), 0, now, zero)?.toISOString()).to.equal(iso(600_000))
  })
})

describe('pendingManualTrigger', () => {
  it('returns a new annotation value and ignores empty or processed ones', () => {
    const a = (v: string) => ({ 'toolhive.stacklok.dev/sync-trigger': v })
    expect([pendingManualTrigger(a('x'), {}), pendingManualTrigger(a(''), {}), pendingManualTrigger(a('x'), { lastManualSyncTrigger: 'x' }), pendingManualTrigger(undefined, {})])
      .to.deep.equal(['x', undefined, undefined, undefined])
  })
})
