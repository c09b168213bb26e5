import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { silentLog } from '../../test/support/api-harness.js'
import { fixtureSnapshot, manyVersionsSnapshot } from '../../test/support/snapshots.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'
import { compactHeap } from './heap-compaction.js'
import { SnapshotStore } from './snapshot-store.js'
import { viewsOf } from './view-builder.js'

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
  it('keeps nothing of an offered snapshot\'s servers once its views are built: a settled listener can collect them', () => {
    const child = fileURLToPath(new URL('../../test/support/snapshot-release.child.ts', import.meta.url))
    const out = execFileSync(process.execPath, [...process.execArgv, child], { encoding: 'utf8', timeout: 60_000 })
    expect(out.trim()).to.equal('collected')
  })
})

describe('SnapshotStore.offerViews', () => {
  it('swaps in views built elsewhere, ignores views of the hash it serves, and serves restricted callers the unrestricted view', () => {
    const store = new SnapshotStore({ renderToolHive: renderToolHiveForTests }, silentLog)
    const snapshot = fixtureSnapshot()
    expect(store.offerViews(viewsOf(snapshot, store.viewOptions))).to.equal('swapped')
    expect(store.current?.hash).to.equal(snapshot.hash)
    expect(store.offerViews(viewsOf(snapshot, store.viewOptions))).to.equal('unchanged')
    expect(store.offer(snapshot)).to.equal('unchanged')
    const restriction = { key: 'hidden-view', hiddenViews: new Set(['other']), hiddenSources: new Set<string>() }
    expect(store.restricted(undefined, restriction)).to.equal(store.current)
    expect(store.restrictionFor(restriction, { team: 'a' })).to.equal(restriction)
    const next = manyVersionsSnapshot()
    expect(store.offerViews(viewsOf(next, store.viewOptions))).to.equal('swapped')
    expect(store.current?.hash).to.equal(next.hash)
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
