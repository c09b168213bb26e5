import { expect } from 'chai'
import type { MCPRegistryStatus } from '@thv/registry-model'
import { nextStatus, transitionsBetween, type RegistryObject } from './registry-status.js'

const t0 = new Date('2026-01-01T00:00:00Z')
const t1 = new Date('2026-01-01T00:05:00Z')
const registry = (status?: MCPRegistryStatus, deleting = false): RegistryObject => ({
  metadata: { name: 'r', namespace: 'ns', generation: 3, ...(deleting ? { deletionTimestamp: new Date(t0) } : {}) },
  ...(status ? { status } : {}),
})

describe('nextStatus', () => {
  it('sets conditions with observedGeneration, derives phase and Ready, and orders conditions', () => {
    const s = nextStatus(registry({ lastSyncTime: 'x', serverCount: 2 }), t0, (d) => {
      d.set({ type: 'APIReady', status: 'True', reason: 'DeploymentAvailable', message: 'ok' })
      d.set({ type: 'SyncSuccessful', status: 'True', reason: 'SyncSucceeded', message: 'ok' })
    })
    expect(s.phase).to.equal('Ready')
    expect(s.conditions?.map((c) => [c.type, c.status, c.observedGeneration, c.lastTransitionTime])).to.deep.equal([
      ['SyncSuccessful', 'True', 3, '2026-01-01T00:00:00Z'], ['APIReady', 'True', 3, '2026-01-01T00:00:00Z'], ['Ready', 'True', 3, '2026-01-01T00:00:00Z'],
    ])
  })

  it('moves lastTransitionTime only when a status flips', () => {
    const first = nextStatus(registry(), t0, (d) => d.set({ type: 'APIReady', status: 'False', reason: 'DeploymentNotAvailable', message: 'a' }))
    const same = nextStatus(registry(first), t1, (d) => d.set({ type: 'APIReady', status: 'False', reason: 'DeploymentNotAvailable', message: 'b' }))
    const flipped = nextStatus(registry(first), t1, (d) => d.set({ type: 'APIReady', status: 'True', reason: 'DeploymentAvailable', message: 'c' }))
    const api = (s: MCPRegistryStatus) => s.conditions?.find((c) => c.type === 'APIReady')?.lastTransitionTime
    expect([api(same), api(flipped)]).to.deep.equal(['2026-01-01T00:00:00Z', '2026-01-01T00:05:00Z'])
  })

  it('is idempotent: the same mutation on its own result changes nothing (no status write, no loop)', () => {
    const mutate = (d: Parameters<Parameters<typeof nextStatus>[2]>[0]) => d.set({ type: 'APIReady', status: 'False', reason: 'WaitingForData', message: 'w' })
    const once = nextStatus(registry(), t0, mutate)
    expect(nextStatus(registry(once), t1, mutate)).to.deep.equal(once)
  })

  it('derives Terminating while the registry is being deleted', () => {
    const s = nextStatus(registry({ lastSyncTime: 'x' }, true), t0, () => undefined)
    expect([s.phase, s.conditions?.find((c) => c.type === 'Ready')?.reason]).to.deep.equal(['Terminating', 'Terminating'])
  })
})

describe('transitionsBetween', () => {
  it('lists new conditions and status flips only', () => {
    const c = (type: string, status: 'True' | 'False') => ({ type, status, reason: 'R', message: 'm', lastTransitionTime: 'x' })
    expect(transitionsBetween([c('A', 'True'), c('B', 'True')], [c('A', 'True'), c('B', 'False'), c('C', 'True')]).map((t) => [t.type, t.from, t.to.status]))
      .to.deep.equal([['B', 'True', 'False'], ['C', undefined, 'True']])
  })
})
