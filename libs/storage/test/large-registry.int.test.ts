import { expect } from 'chai'
import { ConfigMapStorageManager, DefaultStorageLimits } from '../src/index.js'
import { createStorageFixture, storageConfigMaps, testSignal } from './harness.js'
import { generatedSnapshot } from './snapshots.js'

describe('ConfigMap storage of a 10,000-server registry (real control plane)', () => {
  it('stores it sharded under the default limits and loads it identical', async () => {
    const f = await createStorageFixture('storage-10k')
    const storage = new ConfigMapStorageManager(f.core)
    const snapshot = generatedSnapshot(10_000, 42)
    expect(snapshot.servers).to.have.length(10_000)
    const report = await storage.store(f.registry, snapshot, testSignal(120_000))
    expect(report.tier).to.equal('sharded')
    expect(report.shardCount).to.equal(Math.ceil(report.storedBytes / DefaultStorageLimits.shardMaxBytes))
    expect((await storageConfigMaps(f)).length).to.equal(1 + report.shardCount)
    const loaded = await storage.get(f.registry, testSignal(120_000))
    expect(loaded?.hash).to.equal(snapshot.hash)
    expect(loaded).to.deep.equal(snapshot)
    const trusting = new ConfigMapStorageManager(f.core, { verification: 'hash' })
    expect(await trusting.get(f.registry, testSignal(120_000))).to.deep.equal(snapshot)
  })
})
