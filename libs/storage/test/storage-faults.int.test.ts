// Fault runs of issue 9: kube-apiserver stopped at chosen points of a sharded store (real control plane).
import type { CoreV1Api } from '@kubernetes/client-node'
import { getTestControlPlane } from '@thv/control-plane'
import type { RegistrySnapshot } from '@thv/registry-model'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import * as chai from 'chai'
import chaiAsPromised from 'chai-as-promised'
import {
  ConfigMapStorageManager, ShardGenerationLabel, ShardIndexKey, decodeShardIndex, StorageApiError, shardConfigMapName, shardGeneration, storageConfigMapName,
  type ShardBank,
} from '../src/index.js'
import { createStorageFixture, storageConfigMaps, testSignal, type StorageFixture } from './harness.js'
import { generatedSnapshot } from './snapshots.js'

chai.use(chaiAsPromised)

/** Small limits so a 1,500-server snapshot is cut into several shards. */
const LIMITS = { plainMaxBytes: 64 * 1024, singleMaxBytes: 64 * 1024, shardMaxBytes: 64 * 1024 }

/** The storage call at which the API server is stopped (before the call is sent). */
type FaultPoint = 'shard-create' | 'index-replace' | 'shard-cleanup'

/**
 * A CoreV1Api that stops kube-apiserver right before the `nth` call of kind `point` goes out, so the store is
 * interrupted at a known step of the publication protocol. Every other call passes through unchanged.
 */
function faultingCore(core: CoreV1Api, point: FaultPoint, nth: number, stopApiServer: () => Promise<void>): { core: CoreV1Api; fired: () => boolean } {
  const methods: Record<FaultPoint, keyof CoreV1Api> = {
    'shard-create': 'createNamespacedConfigMap',
    'index-replace': 'replaceNamespacedConfigMap',
    'shard-cleanup': 'deleteCollectionNamespacedConfigMap',
  }
  let calls = 0
  let stopping: Promise<void> | undefined
  const proxy = new Proxy(core, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (prop !== methods[point] || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value
      return async (...args: unknown[]): Promise<unknown> => {
        calls += 1
        if (calls === nth) stopping = stopApiServer()
        if (stopping !== undefined) await stopping
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
      }
    },
  })
  return { core: proxy, fired: () => stopping !== undefined }
}

/** Names of the fixture's storage ConfigMaps with, for shards, their generation label. */
async function storedLayout(f: StorageFixture): Promise<Array<[string, string]>> {
  return (await storageConfigMaps(f)).map((cm) => [cm.metadata?.name ?? '', cm.metadata?.labels?.[ShardGenerationLabel] ?? 'index'])
}

/** The exact layout of a sharded snapshot in `bank`: the index plus `count` shards of the snapshot's generation. */
function expectedLayout(snapshot: RegistrySnapshot, bank: ShardBank, count: number): Array<[string, string]> {
  const shards = Array.from({ length: count }, (_, n): [string, string] => [shardConfigMapName('demo', bank, n), shardGeneration(snapshot.hash)])
  return [[storageConfigMapName('demo'), 'index'] as [string, string], ...shards].sort((a, b) => a[0].localeCompare(b[0]))
}

/** Shards the fixture's current index names (read back from the published index ConfigMap). */
async function shardCountOf(f: StorageFixture): Promise<number> {
  const index = await f.core.readNamespacedConfigMap({ namespace: f.namespace, name: storageConfigMapName('demo') })
  const decoded = decodeShardIndex(index.data?.[ShardIndexKey] ?? '')
  if (E.isLeft(decoded)) throw new Error(`The published index does not decode: ${decoded.left}`)
  return decoded.right.shards.length
}

describe('ConfigMap storage with kube-apiserver stopped during a sharded store (issue 9, real control plane)', function () {
  this.timeout(180_000)
  const oldSnapshot = generatedSnapshot(1_500, 901)
  const newSnapshot = generatedSnapshot(1_500, 902)
  const thirdSnapshot = generatedSnapshot(1_200, 903)

  const cases: ReadonlyArray<[string, FaultPoint, number, 'old' | 'new']> = [
    ['keeps the old snapshot when the API server stops while shards are written; a retry converges with no stale shard', 'shard-create', 3, 'old'],
    ['keeps the old snapshot when the API server stops before the index flips; a retry converges with no stale shard', 'index-replace', 1, 'old'],
    ['serves the new snapshot when the API server stops before the old shards are deleted; a retry removes them', 'shard-cleanup', 1, 'new'],
  ]
  for (const [title, point, nth, survivor] of cases) {
    it(title, async () => {
      const plane = await getTestControlPlane()
      const f = await createStorageFixture(`storage-fault-${point}`)
      const healthy = new ConfigMapStorageManager(f.core, { limits: LIMITS })
      const oldReport = await healthy.store(f.registry, oldSnapshot, testSignal())
      expect(oldReport.tier).to.equal('sharded')
      expect(oldReport.shardCount).to.be.greaterThan(3)
      expect(await storedLayout(f)).to.deep.equal(expectedLayout(oldSnapshot, 'a', oldReport.shardCount))

      const faulting = faultingCore(f.core, point, nth, () => plane.stopApiServer())
      const faulty = new ConfigMapStorageManager(faulting.core, { limits: LIMITS, writeConcurrency: 1 })
      try {
        const failure = await faulty.store(f.registry, newSnapshot, testSignal()).then(
          () => undefined,
          (err: unknown) => err,
        )
        expect(faulting.fired(), 'the fault point was reached').to.equal(true)
        expect(failure).to.be.instanceOf(StorageApiError)
        expect((failure as StorageApiError).status, 'no HTTP answer while the API server is down').to.equal(undefined)
      } finally {
        await plane.startApiServer()
      }

      const afterFault = await healthy.get(f.registry, testSignal())
      expect(afterFault).to.deep.equal(survivor === 'old' ? oldSnapshot : newSnapshot)

      // The retry of the same snapshot converges in every case: after an interrupted cleanup its hash is already
      // published, and the retry still removes the old bank's shards (regression: they were left behind).
      await healthy.store(f.registry, newSnapshot, testSignal())
      expect(await healthy.get(f.registry, testSignal())).to.deep.equal(newSnapshot)
      expect(await storedLayout(f)).to.deep.equal(expectedLayout(newSnapshot, 'b', await shardCountOf(f)))
      if (survivor === 'new') {
        // And the next store of a different snapshot reuses the freed bank.
        const thirdReport = await healthy.store(f.registry, thirdSnapshot, testSignal())
        expect(await healthy.get(f.registry, testSignal())).to.deep.equal(thirdSnapshot)
        expect(await storedLayout(f)).to.deep.equal(expectedLayout(thirdSnapshot, 'a', thirdReport.shardCount))
      }
    })
  }
})
