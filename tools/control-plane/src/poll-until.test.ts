import { expect, use } from 'chai'
import chaiAsPromised from 'chai-as-promised'
import { pollUntil } from './poll-until.js'

use(chaiAsPromised)

describe('pollUntil', () => {
  it('returns the first defined value, treating throws as "not yet"', async () => {
    let calls = 0
    const value = await pollUntil(
      async () => {
        calls += 1
        if (calls === 1) throw new Error('not reachable yet')
        return calls === 3 ? 'ready' : undefined
      },
      { description: 'three calls', timeoutMs: 5_000, intervalMs: 1 },
    )
    expect(value).to.equal('ready')
    expect(calls).to.equal(3)
  })

  it('times out naming what it waited for, with the last error as cause', async () => {
    const err = await pollUntil(
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

  it('stops at once when abortIf reports an error', async () => {
    await expect(
      pollUntil(async () => undefined, { description: 'x', timeoutMs: 60_000, abortIf: () => new Error('etcd exited with code 1') }),
    ).to.be.rejectedWith('etcd exited with code 1')
  })
})
