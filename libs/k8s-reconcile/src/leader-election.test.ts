import { V1MicroTime, type V1Lease } from '@kubernetes/client-node'
import { expect } from 'chai'
import { flush } from '../test/unit-support.js'
import { createFakeClock, type FakeClock } from './clock.js'
import { LeaderElector, type LeaseApi } from './leader-election.js'

/** An in-memory Lease endpoint with resourceVersion preconditions, like the API server's. */
function fakeLeaseApi() {
  const state: { lease?: V1Lease; rv: number; failing: boolean; writes: V1Lease[] } = { rv: 0, failing: false, writes: [] }
  const status = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code })
  const stored = (lease: V1Lease): V1Lease => {
    state.writes.push(lease)
    state.rv++
    state.lease = structuredClone({ ...lease, metadata: { ...lease.metadata, resourceVersion: String(state.rv) } })
    return structuredClone(state.lease)
  }
  const api: LeaseApi = {
    readNamespacedLease: async () => {
      if (state.failing) throw status(503)
      if (state.lease === undefined) throw status(404)
      return structuredClone(state.lease)
    },
    createNamespacedLease: async ({ body }) => {
      if (state.failing) throw status(503)
      if (state.lease !== undefined) throw status(409)
      return stored(body)
    },
    replaceNamespacedLease: async ({ body }) => {
      if (state.failing) throw status(503)
      if (body.metadata?.resourceVersion !== state.lease?.metadata?.resourceVersion) throw status(409)
      return stored(body)
    },
  }
  return { api, state, stored }
}

const options = { namespace: 'ns', name: 'lock', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }

async function advance(clock: FakeClock, ms: number, step = 500): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await flush(3)
    clock.advance(step)
  }
  await flush(3)
}

describe('LeaderElector', () => {
  it('creates an absent lease with microsecond times and starts leading', async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 1, 0, 0, 0, 123))
    const { api, state } = fakeLeaseApi()
    const elector = new LeaderElector(api, { ...options, identity: 'me' }, clock)
    const stop = new AbortController()
    let started = 0
    const run = elector.run(stop.signal, () => started++)
    await flush()
    expect([started, elector.isLeader(), state.lease?.spec?.holderIdentity, state.lease?.spec?.leaseDurationSeconds]).to.deep.equal([1, true, 'me', 15])
    const created = state.writes[0]?.spec
    expect([created?.renewTime, created?.acquireTime].every((t) => t instanceof V1MicroTime)).to.equal(true)
    expect(JSON.stringify(created?.renewTime)).to.equal('"2026-01-01T00:00:00.123000Z"')
    stop.abort()
    expect(await run).to.equal('cancelled')
  })

  it('judges expiry by when it observed the last change, not by the holder clock', async () => {
    const clock = createFakeClock(1_000_000)
    const { api, state, stored } = fakeLeaseApi()
    // The holder's clock is years behind: by renewTime alone the lease looks long expired.
    const ancient = new V1MicroTime(Date.UTC(2000, 0, 1))
    stored({ metadata: { name: 'lock', namespace: 'ns' }, spec: { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: ancient, leaseTransitions: 3 } })
    const elector = new LeaderElector(api, { ...options, identity: 'me' }, clock)
    const stop = new AbortController()
    let startedAt: number | undefined
    const run = elector.run(stop.signal, () => (startedAt = clock.now()))
    await advance(clock, 6_000)
    // The holder renews once more (still with its skewed clock) and then dies. The follower notices at its next
    // read (<= one retry period later) and takes over one lease duration after that, at a retry tick.
    const renewedAt = clock.now()
    stored({ ...state.lease, spec: { ...state.lease?.spec, renewTime: new V1MicroTime(Date.UTC(2000, 0, 1, 0, 0, 6)) } })
    await advance(clock, 14_000)
    expect(startedAt).to.equal(undefined)
    await advance(clock, 4_000)
    expect(startedAt).to.be.a('number')
    expect((startedAt as number) - renewedAt).to.be.within(15_000, 15_000 + 2 * options.retryPeriodMs)
    expect([state.lease?.spec?.holderIdentity, state.lease?.spec?.leaseTransitions]).to.deep.equal(['me', 4])
    stop.abort()
    await run
  })

  it('steps down with "lost" when it cannot renew within the renew deadline', async () => {
    const clock = createFakeClock()
    const { api, state } = fakeLeaseApi()
    const elector = new LeaderElector(api, { ...options, identity: 'me' }, clock)
    const run = elector.run(new AbortController().signal, () => undefined)
    await flush()
    state.failing = true
    const failedAt = clock.now()
    let outcome: string | undefined
    void run.then((o) => (outcome = o))
    await advance(clock, 9_500)
    expect([outcome, elector.isLeader()]).to.deep.equal([undefined, true])
    await advance(clock, 2_500)
    expect([outcome, elector.isLeader()]).to.deep.equal(['lost', false])
    expect(clock.now() - failedAt).to.be.at.most(options.renewDeadlineMs + options.retryPeriodMs + 500)
  })

  it('releases the lease on cancel so a successor need not wait, unless told not to', async () => {
    for (const releaseOnCancel of [true, false]) {
      const clock = createFakeClock()
      const { api, state } = fakeLeaseApi()
      const elector = new LeaderElector(api, { ...options, identity: 'me', releaseOnCancel }, clock)
      const stop = new AbortController()
      const run = elector.run(stop.signal, () => undefined)
      await flush()
      stop.abort()
      expect(await run).to.equal('cancelled')
      expect(state.lease?.spec?.holderIdentity).to.equal(releaseOnCancel ? '' : 'me')
    }
  })

  it('rejects a renew deadline not shorter than the lease duration', () => {
    expect(() => new LeaderElector(fakeLeaseApi().api, { ...options, identity: 'me', renewDeadlineMs: 15_000 })).to.throw(
      'renewDeadlineMs (15000) must be less than leaseDurationMs (15000)',
    )
  })
})
