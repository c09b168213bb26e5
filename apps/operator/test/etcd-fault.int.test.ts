// Fault runs of issue 9 with the operator: etcd stopped and restarted at chosen points of a sharded store that a
// source edit started. Real control plane, operator in-process, the registry API as a real process reading the
// storage with the Role the operator grants it.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, KubeConfig, type ApiConstructor, type ApiType } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane, type ControlPlane } from '@thv/control-plane'
import { computeSnapshotHash } from '@thv/converters'
import { httpGet, loadToolHiveFixture, startApiForRegistry, subsetOf, toolHiveKeys, type ApiHandle, type ToolHiveDocument } from '@thv/testkit'
import type { RegistrySnapshot } from '@thv/registry-model'
import { decodeShardIndex, ShardIndexKey, storageConfigMapName, StorageTierAnnotation, type StorageLimits } from '@thv/storage'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { eventually } from '@thv/testkit'
import { AllTrue, conditionSummary, createRegistry, putConfigMap, readRegistry, startOperator, storedSnapshot, testClients, type RunningOperator, type TestClients } from './operator-harness.js'

/** Small limits, so the fixture's snapshots are stored as 8–11 shards and a store is a dozen API writes. */
const LIMITS: Partial<StorageLimits> = { plainMaxBytes: 2048, singleMaxBytes: 2048, shardMaxBytes: 2048, maxStoredBytes: 64 * 1024 }

/** The storage call before which etcd is stopped. */
type FaultPoint = 'shard-create' | 'index-replace' | 'shard-cleanup'
const FAULT_METHODS: Record<FaultPoint, keyof CoreV1Api> = {
  'shard-create': 'createNamespacedConfigMap',
  'index-replace': 'replaceNamespacedConfigMap',
  'shard-cleanup': 'deleteCollectionNamespacedConfigMap',
}

/**
 * Stops etcd right before the `nth` call of kind `point` that the operator's CoreV1Api sends once armed, and starts
 * it again at once, so that call (and any other sent meanwhile) reaches kube-apiserver while etcd is down; the
 * outage lasts 1–3 s here, and kube-apiserver holds such requests until etcd is back. Only the storage sends these
 * three kinds of call through CoreV1Api (the source handler only reads).
 */
class EtcdFault {
  #armed: { point: FaultPoint; nth: number; calls: number } | undefined
  #outage: Promise<void> | undefined

  constructor(private readonly plane: ControlPlane) {}

  arm(point: FaultPoint, nth: number): void {
    this.#armed = { point, nth, calls: 0 }
    this.#outage = undefined
  }

  /** Resolves once etcd was stopped and kube-apiserver is ready again; undefined while the fault has not fired. */
  get outage(): Promise<void> | undefined {
    return this.#outage
  }

  wrap(core: CoreV1Api): CoreV1Api {
    return new Proxy(core, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver)
        if (typeof value !== 'function') return value
        if (!Object.values(FAULT_METHODS).includes(prop as keyof CoreV1Api)) return value.bind(target)
        const call = (...args: unknown[]): Promise<unknown> => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
        return async (...args: unknown[]): Promise<unknown> => {
          const armed = this.#armed
          if (armed !== undefined && prop === FAULT_METHODS[armed.point] && ++armed.calls === armed.nth) {
            this.#armed = undefined
            const stopped = this.plane.stopEtcd()
            this.#outage = stopped.then(() => this.plane.startEtcd())
            await stopped
          }
          return call(...args)
        }
      },
    })
  }
}

/** A KubeConfig whose CoreV1Api clients go through `wrap`. */
class WrappedCoreKubeConfig extends KubeConfig {
  constructor(private readonly wrapCore: (core: CoreV1Api) => CoreV1Api) {
    super()
  }

  override makeApiClient<T extends ApiType>(apiClientType: ApiConstructor<T>): T {
    const api = super.makeApiClient(apiClientType)
    return (apiClientType as unknown) === CoreV1Api ? (this.wrapCore(api as unknown as CoreV1Api) as unknown as T) : api
  }
}

/** Polls the API's ToolHive list until stopped and records every key set served and every response that is not allowed. */
function pollApi(baseUrl: string, allowed: ReadonlyArray<ToolHiveDocument>): { stop: () => Promise<{ seen: string[][]; bad: string[] }> } {
  const allowedSets = new Set(allowed.map((v) => toolHiveKeys(v).join(',')))
  const seen: string[][] = []
  const bad: string[] = []
  let polling = true
  const loop = (async () => {
    while (polling) {
      const res = await httpGet(`${baseUrl}/api/v1/registry/servers`).catch((err: Error) => ({ status: 0, json: undefined, text: err.message }))
      if (res.status !== 200) {
        bad.push(`status ${res.status}: ${res.text.slice(0, 200)}`)
        continue
      }
      const keys = toolHiveKeys(res.json as ToolHiveDocument)
      if (!allowedSets.has(keys.join(','))) bad.push(`partial or unknown key set of ${keys.length} keys`)
      if (seen.at(-1)?.join(',') !== keys.join(',')) seen.push(keys)
    }
  })()
  return {
    stop: async () => {
      polling = false
      await loop
      return { seen, bad }
    },
  }
}

/** The stored snapshot, checked to be complete: its content hashes to its `hash`. */
async function verifiedSnapshot(clients: TestClients, namespace: string, name: string): Promise<RegistrySnapshot> {
  const snapshot = await storedSnapshot(clients, namespace, name)
  if (snapshot === undefined) throw new Error(`No snapshot stored for ${namespace}/${name}`)
  expect(computeSnapshotHash(snapshot), 'the stored content hashes to its recorded hash').to.equal(snapshot.hash)
  return snapshot
}

/** Names of the registry's storage ConfigMaps, and the index plus the shards it names (what a clean store leaves). */
async function storageLayout(core: CoreV1Api, namespace: string, name: string): Promise<{ actual: string[]; expected: string[] }> {
  const indexName = storageConfigMapName(name)
  const actual = (await core.listNamespacedConfigMap({ namespace })).items
    .map((cm) => cm.metadata?.name ?? '')
    .filter((n) => n.startsWith(indexName))
    .sort()
  const index = await core.readNamespacedConfigMap({ namespace, name: indexName })
  const decoded = decodeShardIndex(index.data?.[ShardIndexKey] ?? '')
  if (E.isLeft(decoded)) throw new Error(`The index of ${namespace}/${name} does not decode: ${decoded.left}`)
  return { actual, expected: [indexName, ...decoded.right.shards.map((s) => s.name)].sort() }
}

describe('MCPRegistry operator with etcd stopped during a sync (issue 9, real control plane)', function () {
  this.timeout(240_000)
  const fixture = loadToolHiveFixture()
  const keys = toolHiveKeys(fixture)
  // Two complete versions with different key sets and counts; anything else served would be a partial snapshot.
  const oldData = subsetOf(fixture, (k) => keys.indexOf(k) < 70)
  const newData = subsetOf(fixture, (k) => keys.indexOf(k) >= 30)
  let plane: ControlPlane
  let clients: TestClients
  let fault: EtcdFault
  let running: RunningOperator | undefined
  const logDir = mkdtempSync(join(tmpdir(), 'thv-etcd-fault-'))

  before(async () => {
    plane = await getTestControlPlane()
    clients = await testClients(await createTestNamespace('op-etcd-crd'))
    fault = new EtcdFault(plane)
    const kubeConfig = new WrappedCoreKubeConfig((core) => fault.wrap(core))
    kubeConfig.loadFromString(plane.kubeConfig().exportConfig())
    running = await startOperator({ kubeConfig, storageLimits: LIMITS })
  })
  after(async () => {
    await running?.stop()
  })

  const cases: ReadonlyArray<[string, FaultPoint, number]> = [
    ['serves the old or the new snapshot and converges when etcd stops while the new shards are written', 'shard-create', 3],
    ['serves the old or the new snapshot and converges when etcd stops as the index flips', 'index-replace', 1],
    ['serves the old or the new snapshot and converges when etcd stops before the old shards are deleted', 'shard-cleanup', 1],
  ]
  for (const [title, point, nth] of cases) {
    it(title, async () => {
      const ns = await createTestNamespace(`op-etcd-${point}`)
      await putConfigMap(clients.client, ns, 'data', { 'registry.json': JSON.stringify(oldData) })
      await createRegistry(clients.client, ns, 'reg', {
        source: { type: 'configmap', configmap: { name: 'data' } },
        syncPolicy: { retryPolicy: { maxAttempts: 20, backoffInterval: '500ms', backoffMultiplier: '1' } },
      })
      const initial = await eventually(async () => {
        const r = await readRegistry(clients.client, ns, 'reg')
        expect([conditionSummary(r?.status), r?.status?.serverCount]).to.deep.equal([AllTrue, toolHiveKeys(oldData).length])
        return r
      }, { timeoutMs: 90_000 })
      const oldSnapshot = await verifiedSnapshot(clients, ns, 'reg')
      expect(oldSnapshot.hash).to.equal(initial?.status?.lastSyncHash)
      const index = await clients.core.readNamespacedConfigMap({ namespace: ns, name: storageConfigMapName('reg') })
      expect(index.metadata?.annotations?.[StorageTierAnnotation]).to.equal('sharded')

      let api: ApiHandle | undefined
      try {
        api = await startApiForRegistry({
          kc: plane.kubeConfig(), namespace: ns, registryName: 'reg', logDir,
          writeServiceAccountKubeconfig: (n, sa) => plane.writeKubeconfigForServiceAccount(n, sa),
        })
        const poller = pollApi(api.baseUrl, [oldData, newData])
        let served: { seen: string[][]; bad: string[] }
        const etcdBefore = plane.pids().etcd
        try {
          fault.arm(point, nth)
          await putConfigMap(clients.client, ns, 'data', { 'registry.json': JSON.stringify(newData) })
          await eventually(async () => expect(fault.outage, `etcd stopped before ${point} call ${nth}`).to.not.equal(undefined), { timeoutMs: 60_000 })
          await fault.outage
          expect(plane.pids().etcd).to.be.a('number').and.not.equal(etcdBefore)

          // Right after the outage: whatever is stored is complete, and it is the old or (checked below) the new one.
          const afterFault = await eventually(() => verifiedSnapshot(clients, ns, 'reg'), { timeoutMs: 30_000 })

          const converged = await eventually(async () => {
            const r = await readRegistry(clients.client, ns, 'reg')
            expect([conditionSummary(r?.status), r?.status?.phase, r?.status?.serverCount, r?.status?.observedGeneration])
              .to.deep.equal([AllTrue, 'Ready', toolHiveKeys(newData).length, r?.metadata.generation])
            expect(r?.status?.lastSyncHash).to.not.equal(oldSnapshot.hash)
            return r
          }, { timeoutMs: 90_000 })
          const newSnapshot = await verifiedSnapshot(clients, ns, 'reg')
          expect([newSnapshot.hash, newSnapshot.servers.length]).to.deep.equal([converged?.status?.lastSyncHash, toolHiveKeys(newData).length])
          expect([oldSnapshot.hash, newSnapshot.hash], 'the snapshot stored right after the outage').to.include(afterFault.hash)

          // The store was finished or redone: the index and its shards, no shard of an interrupted generation.
          await eventually(async () => {
            const layout = await storageLayout(clients.core, ns, 'reg')
            expect(layout.actual).to.deep.equal(layout.expected)
          }, { timeoutMs: 30_000 })
          await eventually(async () => {
            const res = await httpGet(`${api?.baseUrl}/api/v1/registry/servers`)
            expect(toolHiveKeys(res.json as ToolHiveDocument)).to.deep.equal(toolHiveKeys(newData))
          }, { timeoutMs: 30_000 })
        } finally {
          served = await poller.stop()
        }
        expect(served.bad, 'API responses that were not exactly the old or the new data').to.deep.equal([])
        expect(served.seen).to.deep.equal([toolHiveKeys(oldData), toolHiveKeys(newData)])
      } finally {
        await api?.stop()
      }
    })
  }
})
