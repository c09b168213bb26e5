import { expect } from 'chai'
import type { RegistrySnapshot } from '@thv/registry-model'
import { silentLog } from '../../test/support/api-harness.js'
import { fixtureSnapshot, manyVersionsSnapshot } from '../../test/support/snapshots.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'
import { compactHeap } from './heap-compaction.js'
import { SnapshotStore } from './snapshot-store.js'

describe('SnapshotStore.onSettled', () => {
  it('settles a swap once its documents are compressed, and not a swap the next one overtook', async () => {
    const store = new SnapshotStore({ renderToolHive: renderToolHiveForTests }, silentLog, false)
    const settled: (string | undefined)[] = []
    let wake: () => void = () => undefined
    store.onSettled(() => {
      settled.push(store.current?.hash)
      wake()
    })
    const nextSettle = (): Promise<void> => new Promise((resolve) => (wake = resolve))

    const first = fixtureSnapshot()
    let settling = nextSettle()
    expect(store.offer(first)).to.equal('swapped')
    await settling
    expect(settled).to.deep.equal([first.hash])

    settling = nextSettle()
    expect(store.offer(manyVersionsSnapshot())).to.equal('swapped')
    const overtaken = store.current
    expect(store.offer({ ...fixtureSnapshot(), hash: 'next' })).to.equal('swapped')
    await settling
    // Whichever compression finishes first, only the view still current settles.
    await overtaken?.precompress()
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).to.deep.equal([first.hash, 'next'])
  })
})

describe('SnapshotStore.offer', () => {
  it('keeps nothing of an offered snapshot\'s servers once its views are built: a settled listener can collect them', async () => {
    const store = new SnapshotStore({ renderToolHive: renderToolHiveForTests }, silentLog, false)
    // A WeakRef keeps its target alive until the job that created it ends, and a small snapshot's documents may
    // settle within the job that offered it: make the WeakRef in an earlier job.
    const holder: { snapshot?: RegistrySnapshot } = { snapshot: manyVersionsSnapshot() }
    const servers = new WeakRef((holder.snapshot as RegistrySnapshot).servers)
    const collected = new Promise<boolean>((resolve) => {
      store.onSettled(() => {
        compactHeap()
        resolve(servers.deref() === undefined)
      })
    })
    await new Promise((resolve) => setImmediate(resolve))
    // In a function of its own, so that nothing of this test's scope refers to the snapshot either.
    ;((): void => {
      const snapshot = holder.snapshot as RegistrySnapshot
      holder.snapshot = undefined
      store.offer(snapshot)
    })()
    expect(await collected).to.equal(true)
    expect(store.current?.entries.length).to.be.greaterThan(0)
  })
})

describe('compactHeap', () => {
  it('collects objects nothing refers to any more', async () => {
    let garbage: object | undefined = { payload: new Array(1000).fill('x') }
    const ref = new WeakRef(garbage)
    garbage = undefined
    // A WeakRef keeps its target alive until the job that created it ends.
    await new Promise((resolve) => setImmediate(resolve))
    expect(garbage).to.equal(undefined)
    compactHeap()
    expect(ref.deref()).to.equal(undefined)
  })
})
