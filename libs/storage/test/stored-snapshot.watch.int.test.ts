import { RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node'
import { expect } from 'chai'
import { getTestControlPlane } from '@thv/control-plane'
import { eventually, notYet } from '@thv/testkit'
import type { RegistrySnapshot } from '@thv/registry-model'
import { fromKubeconfig, httpStatusOf, KubeHttp } from '@thv/kube-calls/http'
import { parse as parseYaml } from 'yaml'
import { clientNodeConfigMapReads, ConfigMapStorageManager, kubeHttpConfigMapReads, storageReaderPolicyRules, watchStoredSnapshot, type ConfigMapReads } from '../src/index.js'
import { createStorageFixture, testSignal, type StorageFixture } from './harness.js'
import { generatedSnapshot } from './snapshots.js'

const TIERS = { plainMaxBytes: 16 * 1024, singleMaxBytes: 32 * 1024, shardMaxBytes: 32 * 1024, maxStoredBytes: 640 * 1024 }

/** A ServiceAccount bound to exactly storageReaderPolicyRules('demo', TIERS); returns its kubeconfig. */
async function readerKubeConfig(f: StorageFixture): Promise<KubeConfig> {
  const rbac = f.kubeConfig.makeApiClient(RbacAuthorizationV1Api)
  await f.core.createNamespacedServiceAccount({ namespace: f.namespace, body: { metadata: { name: 'demo-registry-api' } } })
  await rbac.createNamespacedRole({ namespace: f.namespace, body: { metadata: { name: 'demo-registry-api' }, rules: storageReaderPolicyRules('demo', TIERS) } })
  await rbac.createNamespacedRoleBinding({
    namespace: f.namespace,
    body: {
      metadata: { name: 'demo-registry-api' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'demo-registry-api' },
      subjects: [{ kind: 'ServiceAccount', name: 'demo-registry-api', namespace: f.namespace }],
    },
  })
  return (await getTestControlPlane()).kubeConfigForServiceAccount(f.namespace, 'demo-registry-api')
}

/** The reader's ConfigMap calls over plain HTTPS (what the registry API uses), from the same kubeconfig. */
function kubeHttpReads(kubeConfig: KubeConfig): ConfigMapReads {
  const found = fromKubeconfig(parseYaml(kubeConfig.exportConfig()), 'reader kubeconfig')
  if (found.kind !== 'loaded') throw new Error(`reader kubeconfig: ${found.reason}`)
  return kubeHttpConfigMapReads(new KubeHttp(found.credentials))
}

const clients: readonly [string, (kc: KubeConfig) => ConfigMapReads][] = [['plain HTTPS', kubeHttpReads], ['client-node', clientNodeConfigMapReads]]

describe('watchStoredSnapshot (real control plane, reader RBAC only)', () => {
  let f: StorageFixture
  beforeEach(async () => {
    f = await createStorageFixture('storage-watch')
  })

  for (const [client, readsOf] of clients) it(`delivers each new complete snapshot in every tier, once, using only the reader Role (${client})`, async () => {
    const storage = new ConfigMapStorageManager(f.core, { limits: TIERS })
    const reads = readsOf(await readerKubeConfig(f))
    const delivered: RegistrySnapshot[] = []
    const errors: unknown[] = []
    let deletions = 0
    const stop = new AbortController()
    const watching = watchStoredSnapshot({
      reads, namespace: f.namespace, registryName: 'demo', signal: stop.signal, watchTimeoutSeconds: 1, // reconnects during the test
      onSnapshot: (s) => delivered.push(s), onError: (e) => errors.push(e), onDeleted: () => deletions++,
    })
    const waitForCount = (n: number): Promise<boolean> =>
      eventually(async () => (delivered.length >= n ? true : notYet()), { description: `${n} delivered snapshots`, timeoutMs: 20_000, intervalMs: 50 })
    try {
      const plain = generatedSnapshot(3, 21)
      const gzip = generatedSnapshot(40, 22)
      const sharded = generatedSnapshot(1000, 23)
      for (const [i, snapshot] of [plain, gzip, sharded, plain].entries()) {
        await storage.store(f.registry, snapshot, testSignal())
        await waitForCount(i + 1)
      }
      await storage.store(f.registry, plain, testSignal()) // same hash: no write, no delivery
      await storage.delete(f.registry, testSignal())
      await eventually(async () => (deletions === 1 ? true : notYet()), { description: 'the deletion', timeoutMs: 20_000, intervalMs: 50 })
      expect(delivered.map((s) => s.hash)).to.deep.equal([plain.hash, gzip.hash, sharded.hash, plain.hash])
      expect(delivered[2]).to.deep.equal(sharded)
      expect(errors).to.deep.equal([])
    } finally {
      stop.abort()
      await watching
    }
  })

  for (const [client, readsOf] of clients) it(`grants the reader nothing beyond its storage ConfigMaps (${client})`, async () => {
    const reads = readsOf(await readerKubeConfig(f))
    await f.core.createNamespacedConfigMap({ namespace: f.namespace, body: { metadata: { name: 'registry-data' }, data: { a: 'b' } } })
    const signal = testSignal()
    const status = (p: Promise<unknown>): Promise<unknown> => p.then(() => 200, httpStatusOf)
    expect(await status(reads.get(f.namespace, 'registry-data', signal))).to.equal(403)
    expect(await status(reads.list(f.namespace, '', signal))).to.equal(403)
    expect(await status(reads.list(f.namespace, 'metadata.name=demo-registry-storage', signal))).to.equal(200)
    expect(await status(reads.get(f.namespace, 'demo-registry-storage-b-3', signal))).to.equal(404)
  })
})
