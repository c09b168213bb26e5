import { CoreV1Api } from '@kubernetes/client-node'
import { expect } from 'chai'
import type { RegistrySnapshot } from '@thv/registry-model'
import { ConfigMapStorageManager, StorageCorruptError, StorageInconsistentError } from '../src/index.js'
import { createStorageFixture, storageConfigMaps, testSignal, type StorageFixture } from './harness.js'
import { generatedSnapshot } from './snapshots.js'

// 32 KiB shards: the 300-server snapshot needs 2, the 1000-server one 5 (asserted below, not assumed).
const TIERS = { plainMaxBytes: 16 * 1024, singleMaxBytes: 32 * 1024, shardMaxBytes: 32 * 1024, maxStoredBytes: 640 * 1024 }

describe('ConfigMap storage consistency (real control plane)', () => {
  let f: StorageFixture
  beforeEach(async () => {
    f = await createStorageFixture('storage-consistency')
  })

  it('never lets a reader polling get observe a partial or mixed snapshot while the writer alternates 2 and 5 shards', async () => {
    const writer = new ConfigMapStorageManager(f.core, { limits: TIERS })
    const reader = new ConfigMapStorageManager(f.kubeConfig.makeApiClient(CoreV1Api), { limits: TIERS, readAttempts: 10 })
    const two = generatedSnapshot(300, 11)
    const five = generatedSnapshot(1000, 12)
    const byHash = new Map<string, RegistrySnapshot>([[two.hash, two], [five.hash, five]])
    expect((await writer.store(f.registry, two, testSignal())).shardCount).to.equal(2)

    const observed: string[] = []
    let writing = true
    const readLoop = (async () => {
      while (writing) {
        const got = await reader.get(f.registry, testSignal())
        if (got === undefined) throw new Error('Reader saw no snapshot')
        const want = byHash.get(got.hash)
        if (want === undefined) throw new Error(`Reader saw an unknown snapshot hash ${got.hash}`)
        expect(got.servers.length).to.equal(want.servers.length)
        expect(got).to.deep.equal(want)
        observed.push(got.hash)
      }
    })()
    try {
      const shardCounts: number[] = []
      for (let round = 0; round < 4; round++) {
        shardCounts.push((await writer.store(f.registry, five, testSignal())).shardCount)
        shardCounts.push((await writer.store(f.registry, two, testSignal())).shardCount)
      }
      expect(shardCounts).to.deep.equal([5, 2, 5, 2, 5, 2, 5, 2])
    } finally {
      writing = false
      await readLoop
    }
    expect(new Set(observed)).to.deep.equal(new Set([two.hash, five.hash]))
    expect((await storageConfigMaps(f)).map((cm) => cm.metadata?.name)).to.deep.equal([
      'demo-registry-storage', 'demo-registry-storage-a-0', 'demo-registry-storage-a-1',
    ])
  })

  it('rejects undecodable stored data with StorageCorruptError instead of crashing', async () => {
    const storage = new ConfigMapStorageManager(f.core, { limits: TIERS })
    await f.core.createNamespacedConfigMap({
      namespace: f.namespace,
      body: {
        metadata: { name: 'demo-registry-storage', annotations: { 'toolhive.stacklok.dev/storage-tier': 'gzip', 'toolhive.stacklok.dev/snapshot-hash': 'x' } },
        binaryData: { 'registry.json.gz': Buffer.from('definitely not gzip').toString('base64') },
      },
    })
    const err = await storage.get(f.registry, testSignal()).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(StorageCorruptError)
    expect(err).to.include({ code: 'StorageCorrupt', configMap: `${f.namespace}/demo-registry-storage` })
    expect((err as StorageCorruptError).detail).to.match(/^gzip payload does not decompress: /)
  })

  it('rejects a plain snapshot that no longer matches its recorded payload hash', async () => {
    const storage = new ConfigMapStorageManager(f.core)
    const snapshot = generatedSnapshot(3, 5)
    await storage.store(f.registry, snapshot, testSignal())
    const cm = await f.core.readNamespacedConfigMap({ namespace: f.namespace, name: 'demo-registry-storage' })
    const tampered = (cm.data?.['registry.json'] ?? '').replace(/"description":"/, '"description":"tampered ')
    await f.core.replaceNamespacedConfigMap({ namespace: f.namespace, name: 'demo-registry-storage', body: { ...cm, data: { 'registry.json': tampered } } })
    const err = await storage.get(f.registry, testSignal()).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(StorageCorruptError)
    expect((err as StorageCorruptError).detail).to.equal('payload sha256 differs from annotation toolhive.stacklok.dev/payload-sha256')
  })

  it('gives up with StorageInconsistentError when a shard keeps failing verification', async () => {
    const storage = new ConfigMapStorageManager(f.core, { limits: TIERS, readAttempts: 3 })
    await storage.store(f.registry, generatedSnapshot(300, 11), testSignal())
    const shard = await f.core.readNamespacedConfigMap({ namespace: f.namespace, name: 'demo-registry-storage-a-1' })
    await f.core.replaceNamespacedConfigMap({
      namespace: f.namespace,
      name: 'demo-registry-storage-a-1',
      body: { ...shard, binaryData: { part: Buffer.from('not the shard').toString('base64') } },
    })
    const err = await storage.get(f.registry, testSignal()).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(StorageInconsistentError)
    expect(err).to.include({
      code: 'StorageInconsistent', configMap: `${f.namespace}/demo-registry-storage`, attempts: 3,
      lastProblem: 'shard demo-registry-storage-a-1 belongs to another generation',
    })
  })
})
