import { expect } from 'chai'
import { OfficialMetaKey } from '@thv/registry-model'
import { ConfigMapStorageManager, StorageTooLargeError } from '../src/index.js'
import { createStorageFixture, storageConfigMaps, storageFingerprint, testSignal, type StorageFixture } from './harness.js'
import { generatedSnapshot, readFixtureBytes, snapshotOfRaw } from './snapshots.js'

const SMALL_TIERS = { plainMaxBytes: 16 * 1024, singleMaxBytes: 64 * 1024, shardMaxBytes: 64 * 1024, maxStoredBytes: 640 * 1024 }

describe('ConfigMapStorageManager (real control plane)', () => {
  let f: StorageFixture
  beforeEach(async () => {
    f = await createStorageFixture('storage')
  })

  for (const fixture of ['toolhive-registry.json', 'toolhive-upstream-registry-2025-12-11.json', 'upstream-seed-2025-05-16.json']) {
    it(`round-trips the snapshot of fixture ${fixture}`, async () => {
      const storage = new ConfigMapStorageManager(f.core)
      const snapshot = snapshotOfRaw(readFixtureBytes(fixture))
      await storage.store(f.registry, snapshot, testSignal())
      expect(await storage.get(f.registry, testSignal())).to.deep.equal(snapshot)
    })
  }

  it('labels the storage ConfigMap and makes the MCPRegistry its controller owner', async () => {
    const storage = new ConfigMapStorageManager(f.core)
    const snapshot = snapshotOfRaw(readFixtureBytes('toolhive-registry.json'))
    const report = await storage.store(f.registry, snapshot, testSignal())
    expect(report.ref).to.deep.equal({ type: 'configmap', configMapRef: { name: 'demo-registry-storage', namespace: f.namespace, key: 'registry.json' } })
    const [cm] = await storageConfigMaps(f)
    expect(cm?.metadata?.labels).to.deep.equal({
      'app.kubernetes.io/managed-by': 'thv-operator',
      'app.kubernetes.io/component': 'registry-storage',
      'toolhive.stacklok.dev/registry': 'demo',
      'toolhive.stacklok.dev/storage-part': 'index',
    })
    expect(cm?.metadata?.ownerReferences).to.deep.equal([
      { apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', name: 'demo', uid: f.registry.metadata.uid, controller: true, blockOwnerDeletion: true },
    ])
  })

  for (const [tier, count] of [['plain', 3], ['gzip', 40], ['sharded', 1500]] as const) {
    it(`stores ${count} generated servers in the ${tier} tier and reads them back identical`, async () => {
      const storage = new ConfigMapStorageManager(f.core, { limits: SMALL_TIERS })
      const snapshot = generatedSnapshot(count)
      const report = await storage.store(f.registry, snapshot, testSignal())
      expect({ tier: report.tier, written: report.written }).to.deep.equal({ tier, written: true })
      expect(report.shardCount).to.equal(tier === 'sharded' ? Math.ceil(report.storedBytes / SMALL_TIERS.shardMaxBytes) : 0)
      if (tier === 'sharded') expect(report.shardCount).to.be.at.least(2)
      expect(await storage.get(f.registry, testSignal())).to.deep.equal(snapshot)
      expect((await storageConfigMaps(f)).length).to.equal(1 + report.shardCount)
      // What a build reads of its previous snapshot, in both verification modes of the manager.
      const history = { hash: snapshot.hash, servers: snapshot.servers.map((s) => ({ server: { name: s.server.name, version: s.server.version }, _meta: { [OfficialMetaKey]: s._meta[OfficialMetaKey] } })) }
      expect(await storage.getPublishTimes(f.registry, testSignal())).to.deep.equal(history)
      expect(await new ConfigMapStorageManager(f.core, { limits: SMALL_TIERS, verification: 'hash' }).getPublishTimes(f.registry, testSignal())).to.deep.equal(history)
      await storage.storeSource(f.registry, 'extra', snapshot, testSignal())
      expect(await storage.getSourcePublishTimes(f.registry, 'extra', testSignal())).to.deep.equal(history)
      expect(await storage.getSourcePublishTimes(f.registry, 'absent', testSignal())).to.equal(undefined)
    })
  }

  it('writes nothing when the stored snapshot has the same hash', async () => {
    const storage = new ConfigMapStorageManager(f.core, { limits: SMALL_TIERS })
    const snapshot = generatedSnapshot(1500)
    await storage.store(f.registry, snapshot, testSignal())
    const before = await storageFingerprint(f)
    const report = await storage.store(f.registry, snapshot, testSignal())
    expect(report.written).to.equal(false)
    expect(await storageFingerprint(f)).to.deep.equal(before)
  })

  it('fails with StorageTooLargeError above the ceiling and keeps the previous snapshot', async () => {
    const storage = new ConfigMapStorageManager(f.core, { limits: SMALL_TIERS })
    const previous = generatedSnapshot(300)
    await storage.store(f.registry, previous, testSignal())
    const before = await storageFingerprint(f)
    const err = await storage.store(f.registry, generatedSnapshot(8000), testSignal()).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).to.be.instanceOf(StorageTooLargeError)
    expect(err).to.include({ code: 'StorageTooLarge', registry: `${f.namespace}/demo`, maxStoredBytes: 640 * 1024 })
    expect(await storageFingerprint(f)).to.deep.equal(before)
    expect(await storage.get(f.registry, testSignal())).to.deep.equal(previous)
  })

  it('moves between tiers and leaves no stale shards behind', async () => {
    const storage = new ConfigMapStorageManager(f.core, { limits: SMALL_TIERS })
    const names = async (): Promise<string[]> => (await storageConfigMaps(f)).map((cm) => cm.metadata?.name ?? '')
    await storage.store(f.registry, generatedSnapshot(1500, 1), testSignal())
    const first = await names()
    await storage.store(f.registry, generatedSnapshot(600, 2), testSignal())
    const second = await names()
    expect(second.filter((n) => first.includes(n))).to.deep.equal(['demo-registry-storage'])
    await storage.store(f.registry, generatedSnapshot(3, 3), testSignal())
    expect(await names()).to.deep.equal(['demo-registry-storage'])
    expect(await storage.get(f.registry, testSignal())).to.deep.equal(generatedSnapshot(3, 3))
  })

  it('delete removes the index and every shard', async () => {
    const storage = new ConfigMapStorageManager(f.core, { limits: SMALL_TIERS })
    await storage.store(f.registry, generatedSnapshot(1500), testSignal())
    expect((await storageConfigMaps(f)).length).to.be.greaterThan(2)
    await storage.delete(f.registry, testSignal())
    expect(await storageConfigMaps(f)).to.deep.equal([])
    expect(await storage.get(f.registry, testSignal())).to.equal(undefined)
    await storage.delete(f.registry, testSignal())
  })
})
