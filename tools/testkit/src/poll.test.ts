import { expect, use } from 'chai'
import chaiAsPromised from 'chai-as-promised'
import { consistently, eventually, notYet } from './poll.js'

use(chaiAsPromised)

describe('eventually', () => {
  it('returns the first value of an attempt that does not throw, treating throws as "not yet"', async () => {
    let calls = 0
    const value = await eventually(
      async () => {
        calls += 1
        if (calls === 1) throw new Error('not reachable yet')
        return calls === 3 ? 'ready' : notYet('three calls')
      },
      { description: 'three calls', timeoutMs: 5_000, intervalMs: 1 },
    )
    expect(value).to.equal('ready')
    expect(calls).to.equal(3)
  })

  it('times out naming what it waited for, with the last error as cause', async () => {
    const err = await eventually(
      async () => {
        throw new Error('connection refused')
      },
      { description: 'kube-apiserver /readyz', timeoutMs: 20, intervalMs: 1 },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(err?.message).to.equal('Timed out after 20 ms waiting for kube-apiserver /readyz')
    expect((err?.cause as Error).message).to.equal('connection refused')
  })

  it('rethrows the last failure itself when no description is given', async () => {
    let calls = 0
    await expect(
      eventually(() => {
        calls += 1
        throw new Error(`failure ${calls}`)
      }, { timeoutMs: 20, intervalMs: 1 }),
    ).to.be.rejectedWith(/^failure \d+$/)
    expect(calls).to.be.greaterThan(1)
  })

  it('stops at once when abortIf reports an error', async () => {
    await expect(
      eventually(() => notYet(), { description: 'x', timeoutMs: 60_000, abortIf: () => new Error('etcd exited with code 1') }),
    ).to.be.rejectedWith('etcd exited with code 1')
  })
})

describe('consistently', () => {
  it('checks for the whole period and once at the end', async () => {
    let calls = 0
    const started = Date.now()
    await consistently(() => { calls += 1 }, { timeoutMs: 30, intervalMs: 5 })
    expect(Date.now() - started).to.be.at.least(30)
    expect(calls).to.be.at.least(3)
  })

  it('throws the first failure at once', async () => {
    let calls = 0
    const started = Date.now()
    await expect(consistently(() => {
      calls += 1
      if (calls === 2) throw new Error('changed')
    }, { timeoutMs: 60_000, intervalMs: 1 })).to.be.rejectedWith('changed')
    expect(Date.now() - started).to.be.below(10_000)
  })
})
