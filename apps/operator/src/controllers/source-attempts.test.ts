import { createFakeClock } from '@thv/k8s-reconcile'
import type { MCPRegistrySourceEntry } from '@thv/registry-model'
import { expect } from 'chai'
import type { SourceSyncOutcome } from '../status/sync-outcome.js'
import { SourceAttempts } from './source-attempts.js'

const entry = (name: string): MCPRegistrySourceEntry => ({ name, configMapRef: { name: `${name}-data`, key: 'registry.json' } })
const ok = (hash: string): SourceSyncOutcome => ({
  ok: true, serverCount: 1, hash, stored: true, storageRef: { type: 'configmap', configMapRef: { name: 'x', namespace: 'ns', key: 'registry.json' } }, source: 'test',
})

/** A source run the test finishes by hand. */
function deferred(): { run: () => Promise<SourceSyncOutcome>; finish: (o: SourceSyncOutcome) => void; fail: (e: Error) => void } {
  let finish: (o: SourceSyncOutcome) => void = () => undefined
  let fail: (e: Error) => void = () => undefined
  const promise = new Promise<SourceSyncOutcome>((resolve, reject) => { finish = resolve; fail = reject })
  return { run: () => promise, finish, fail }
}

/** Lets pending promise callbacks run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('SourceAttempts', () => {
  it('returns every attempt that finishes within the grace period and hands nothing over', async () => {
    const attempts = new SourceAttempts(createFakeClock(0), 1_000)
    let woken = 0
    const settled = await attempts.settle('r1', [
      { entry: entry('a'), trigger: 'initial', manual: undefined, fingerprint: 'fa', run: () => Promise.resolve(ok('ha')) },
      { entry: entry('b'), trigger: 'initial', manual: undefined, fingerprint: 'fb', run: () => Promise.resolve(ok('hb')) },
    ], () => woken++)
    expect(settled.map((a) => [a.entry.name, a.fingerprint, a.outcome.ok && a.outcome.hash])).to.deep.equal([['a', 'fa', 'ha'], ['b', 'fb', 'hb']])
    expect([attempts.runningNames('r1'), attempts.takeFinished('r1'), woken]).to.deep.equal([[], [], 0])
  })

  it('hands a slow attempt over at the end of the grace period, keeps it running, and wakes the registry when it finishes', async () => {
    const clock = createFakeClock(0)
    const attempts = new SourceAttempts(clock, 1_000)
    const slow = deferred()
    let woken = 0
    const round = attempts.settle('r1', [
      { entry: entry('fast'), trigger: 'interval', manual: undefined, fingerprint: 'f1', run: () => Promise.resolve(ok('fast')) },
      { entry: entry('slow'), trigger: 'interval', manual: 'now', fingerprint: 's1', run: slow.run },
    ], () => woken++)
    await flush()
    clock.advance(1_000)
    const settled = await round
    expect(settled.map((a) => a.entry.name)).to.deep.equal(['fast'])
    expect([attempts.isRunning('r1', 'slow'), attempts.isRunning('r1', 'fast'), woken]).to.deep.equal([true, false, 0])
    expect(attempts.takeFinished('r1')).to.deep.equal([])

    slow.finish(ok('late'))
    await flush()
    expect([attempts.isRunning('r1', 'slow'), woken]).to.deep.equal([false, 1])
    const finished = attempts.takeFinished('r1')
    expect(finished.map((a) => [a.entry.name, a.manual, a.fingerprint, a.outcome.ok && a.outcome.hash])).to.deep.equal([['slow', 'now', 's1', 'late']])
    expect(attempts.takeFinished('r1')).to.deep.equal([])
  })

  it('drops the outcome of a forgotten registry\'s attempt and does not wake it', async () => {
    const clock = createFakeClock(0)
    const attempts = new SourceAttempts(clock, 10)
    const slow = deferred()
    let woken = 0
    const round = attempts.settle('r1', [{ entry: entry('slow'), trigger: 'initial', manual: undefined, fingerprint: 's', run: slow.run }], () => woken++)
    await flush()
    clock.advance(10)
    expect(await round).to.deep.equal([])
    attempts.forget('r1')
    slow.finish(ok('late'))
    await flush()
    expect([attempts.takeFinished('r1'), attempts.isRunning('r1', 'slow'), woken]).to.deep.equal([[], false, 0])
  })

  it('rethrows an attempt\'s rejection (the operator stopping) to the round that waits for it', async () => {
    const attempts = new SourceAttempts(createFakeClock(0), 1_000)
    const failing = deferred()
    const round = attempts.settle('r1', [{ entry: entry('a'), trigger: 'initial', manual: undefined, fingerprint: 'f', run: failing.run }], () => undefined)
    failing.fail(new Error('Controller mcpregistry-sync stopped'))
    let caught: unknown
    await round.catch((err: unknown) => { caught = err })
    expect((caught as Error).message).to.equal('Controller mcpregistry-sync stopped')
    expect(attempts.isRunning('r1', 'a')).to.equal(false)
  })
})
