// The operator's controllers in-process against the real control plane (kube-controller-manager, scheduler and kwok
// make the API Deployment Available): create → Ready, source edits, failures and recovery, deletion.
import { expect } from 'chai'
import type { V1Deployment, V1Role, V1RoleBinding, V1Service, V1ServiceAccount } from '@kubernetes/client-node'
import { createTestNamespace } from '@thv/control-plane'
import { ConfigMapKind, DeploymentKind, ServiceKind, type KubeClient } from '@thv/k8s-reconcile'
import { storageReaderPolicyRules } from '@thv/storage'
import { RoleBindingKind, RoleKind, ServiceAccountKind } from '../src/kinds.js'
import { consistently, eventually } from '@thv/testkit'
import { AllTrue, conditionSummary, createRegistry, entryCount, patchRegistry, putConfigMap, readRegistry, smallRegistry, startOperator, storedSnapshot, testClients, toolHiveFixture, toolHiveFixtureText, type RunningOperator, type TestClients } from './operator-harness.js'

describe('MCPRegistry operator lifecycle', function () {
  this.timeout(120_000)
  let clients: TestClients
  let client: KubeClient
  let running: RunningOperator

  before(async () => {
    clients = await testClients(await createTestNamespace('op-crd'))
    client = clients.client
    running = await startOperator()
  })
  after(async () => {
    await running?.stop()
  })

  const get = async (ns: string, name: string) => {
    const r = await readRegistry(client, ns, name)
    if (r === undefined) throw new Error(`MCPRegistry ${ns}/${name} not found`)
    return r
  }
  const readyRegistry = (ns: string, name: string, timeoutMs = 60_000) =>
    eventually(async () => {
      const r = await get(ns, name)
      expect(conditionSummary(r.status)).to.deep.equal(AllTrue)
      expect(r.status?.phase).to.equal('Ready')
      return r
    }, { timeoutMs: timeoutMs })

  it('stores the data, creates the API objects, reports Ready with serverCount and apiEndpoint', async () => {
    const ns = await createTestNamespace('op-create')
    const fixture = toolHiveFixture()
    await putConfigMap(client, ns, 'registry-data', { 'registry.json': toolHiveFixtureText() })
    await createRegistry(client, ns, 'prod', { displayName: 'Production', source: { type: 'configmap', configmap: { name: 'registry-data' } } })

    const reg = await readyRegistry(ns, 'prod')
    expect({
      phase: reg.status?.phase, serverCount: reg.status?.serverCount, apiEndpoint: reg.status?.apiEndpoint, syncAttempts: reg.status?.syncAttempts,
      observedGeneration: reg.status?.observedGeneration, storageRef: reg.status?.storageRef, finalizers: reg.metadata.finalizers,
    }).to.deep.equal({
      phase: 'Ready', serverCount: entryCount(fixture), apiEndpoint: `http://prod-api.${ns}.svc.cluster.local:80`, syncAttempts: 0,
      observedGeneration: reg.metadata.generation, storageRef: { type: 'configmap', configMapRef: { name: 'prod-registry-storage', namespace: ns, key: 'registry.json' } },
      finalizers: ['mcpregistry.toolhive.stacklok.dev/finalizer'],
    })
    expect(reg.status?.conditions?.every((c) => c.observedGeneration === reg.metadata.generation)).to.equal(true)

    const snapshot = await storedSnapshot(clients, ns, 'prod')
    expect({ name: snapshot?.registry.name, displayName: snapshot?.registry.displayName, servers: snapshot?.servers.length, hash: snapshot?.hash })
      .to.deep.equal({ name: 'prod', displayName: 'Production', servers: entryCount(fixture), hash: reg.status?.lastSyncHash })

    const sa = await client.get<V1ServiceAccount>(ServiceAccountKind, ns, 'prod-registry-api')
    const role = await client.get<V1Role>(RoleKind, ns, 'prod-registry-api')
    const binding = await client.get<V1RoleBinding>(RoleBindingKind, ns, 'prod-registry-api')
    const deployment = await client.get<V1Deployment>(DeploymentKind, ns, 'prod-api')
    const service = await client.get<V1Service>(ServiceKind, ns, 'prod-api')
    expect(sa.automountServiceAccountToken).to.equal(false)
    expect(role.rules).to.deep.equal(storageReaderPolicyRules('prod'))
    expect(binding.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'prod-registry-api', namespace: ns }])
    expect(deployment.spec?.template.spec?.containers[0]?.args).to.deep.equal(['--registry', `${ns}/prod`, '--port', '8080'])
    expect(deployment.status?.availableReplicas).to.equal(1)
    expect(service.spec?.ports?.map((p) => [p.port, p.targetPort])).to.deep.equal([[80, 'http']])
    for (const o of [sa, role, binding, deployment, service]) expect(o.metadata?.ownerReferences?.[0]?.uid).to.equal(reg.metadata.uid)

    const events = await client.request<{ items: Array<{ reason: string; type: string; involvedObject: { name: string } }> }>('GET', `/api/v1/namespaces/${ns}/events`)
    expect(events.items.filter((e) => e.involvedObject.name === 'prod').map((e) => e.reason)).to.include.members(['Synced', 'APIReady'])
  })

  it('stores a new snapshot within seconds of a source ConfigMap edit (no interval involved)', async () => {
    const ns = await createTestNamespace('op-edit')
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(5)) })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'data' } } })
    const before = await eventually(async () => {
      const r = await get(ns, 'r')
      expect(r.status?.serverCount).to.equal(5)
      return r
    }, { timeoutMs: 30_000 })
    const edited = Date.now()
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(7)) })
    await eventually(async () => {
      expect((await storedSnapshot(clients, ns, 'r'))?.servers.length).to.equal(7)
      const after = await get(ns, 'r')
      expect([after.status?.serverCount, after.status?.lastSyncHash === before.status?.lastSyncHash]).to.deep.equal([7, false])
    }, { timeoutMs: 10_000 })
    expect(Date.now() - edited).to.be.below(10_000)
  })

  it('keeps the last good snapshot on invalid data, retries up to maxAttempts, and recovers with every condition True', async () => {
    const ns = await createTestNamespace('op-invalid')
    const good = JSON.stringify(smallRegistry(3))
    await putConfigMap(client, ns, 'data', { 'registry.json': good })
    await createRegistry(client, ns, 'r', {
      source: { type: 'configmap', format: 'toolhive', configmap: { name: 'data' } },
      syncPolicy: { retryPolicy: { maxAttempts: 3, backoffInterval: '500ms', backoffMultiplier: '1' } },
    })
    const ok = await readyRegistry(ns, 'r')
    const goodHash = ok.status?.lastSyncHash

    const failsWith = async (data: string, condition: string, reason: string, fragment: string) => {
      await putConfigMap(client, ns, 'data', { 'registry.json': data })
      const failed = await eventually(async () => {
        const r = await get(ns, 'r')
        const c = r.status?.conditions?.find((x) => x.type === condition)
        expect([c?.status, c?.reason]).to.deep.equal(['False', reason])
        expect(r.status?.syncAttempts).to.equal(3)
        return r
      }, { timeoutMs: 30_000 })
      expect(failed.status?.conditions?.find((x) => x.type === condition)?.message).to.include(fragment)
      expect(failed.status?.phase).to.equal('Failed')
      expect(failed.status?.lastSyncHash).to.equal(goodHash)
      expect(failed.status?.conditions?.find((x) => x.type === 'SyncSuccessful')?.reason).to.equal('RetriesExhausted')
      expect((await storedSnapshot(clients, ns, 'r'))?.hash).to.equal(goodHash)
      // No retries after maxAttempts: the count stays.
      await consistently(async () => {
        expect((await get(ns, 'r')).status?.syncAttempts).to.equal(3)
      }, { timeoutMs: 2_000, intervalMs: 200 })
    }
    await failsWith('{"servers": {', 'DataValid', 'InvalidJson', 'byte')
    const upstream = JSON.stringify([{ name: 'io.github.example/weather', description: 'Weather', version: '1.0.0' }])
    await failsWith(upstream, 'DataValid', 'FormatMismatch', 'toolhive')
    const invalid = smallRegistry(1)
    const [key] = Object.keys(invalid.servers)
    delete (invalid.servers[key as string] as Record<string, unknown>)['description']
    await failsWith(JSON.stringify(invalid), 'DataValid', 'InvalidData', 'description')

    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(4)) })
    const recovered = await readyRegistry(ns, 'r')
    expect([recovered.status?.syncAttempts, recovered.status?.serverCount]).to.deep.equal([0, 4])
  })

  it('reports a missing source ConfigMap and syncs once it appears', async () => {
    const ns = await createTestNamespace('op-missing')
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'later' } } })
    await eventually(async () => {
      const r = await get(ns, 'r')
      expect(conditionSummary(r.status)).to.deep.include({ SourceAvailable: ['False', 'SourceNotFound'], DataValid: ['Unknown', 'SourceUnavailable'] })
      expect(r.status?.phase).to.equal('Failed')
    }, { timeoutMs: 30_000 })
    await putConfigMap(client, ns, 'later', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await readyRegistry(ns, 'r')
  })

  it('syncs on the interval measured from the last success', async () => {
    const ns = await createTestNamespace('op-interval')
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'data' } }, syncPolicy: { interval: '2s' } })
    const first = await eventually(async () => {
      const r = await get(ns, 'r')
      expect(r.status?.lastSyncTime).to.be.a('string')
      expect(r.status?.nextSyncTime).to.be.a('string')
      return r
    }, { timeoutMs: 30_000 })
    const second = await eventually(async () => {
      const r = await get(ns, 'r')
      expect(Date.parse(r.status?.lastAttemptTime ?? '')).to.be.above(Date.parse(first.status?.lastAttemptTime ?? ''))
      return r
    }, { timeoutMs: 15_000 })
    expect(second.status?.lastSyncHash).to.equal(first.status?.lastSyncHash)
    expect(Date.parse(second.status?.nextSyncTime ?? '') - Date.parse(second.status?.lastAttemptTime ?? '')).to.be.within(1_000, 3_000)
  })

  it('syncs on a new sync-trigger annotation value, with and without a data change', async () => {
    const ns = await createTestNamespace('op-manual')
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'data' } }, syncPolicy: { type: 'manual' } })
    const first = await eventually(async () => {
      const r = await get(ns, 'r')
      expect(r.status?.serverCount).to.equal(2)
      return r
    }, { timeoutMs: 30_000 })
    await patchRegistry(client, ns, 'r', { metadata: { annotations: { 'toolhive.stacklok.dev/sync-trigger': '1700000000' } } })
    const triggered = await eventually(async () => {
      const r = await get(ns, 'r')
      expect(r.status?.lastManualSyncTrigger).to.equal('1700000000')
      return r
    }, { timeoutMs: 30_000 })
    expect(Date.parse(triggered.status?.lastAttemptTime ?? '')).to.be.at.least(Date.parse(first.status?.lastAttemptTime ?? ''))
    expect(triggered.status?.lastSyncHash).to.equal(first.status?.lastSyncHash)
    expect(triggered.status?.nextSyncTime).to.equal(undefined)

    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(3)) })
    await patchRegistry(client, ns, 'r', { metadata: { annotations: { 'toolhive.stacklok.dev/sync-trigger': '1700000001' } } })
    await eventually(async () => {
      const r = await get(ns, 'r')
      expect([r.status?.lastManualSyncTrigger, r.status?.serverCount]).to.deep.equal(['1700000001', 3])
    }, { timeoutMs: 30_000 })
  })

  it('changes the stored content when the filter changes', async () => {
    const ns = await createTestNamespace('op-filter')
    await putConfigMap(client, ns, 'data', { 'registry.json': toolHiveFixtureText() })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'data' } } })
    await eventually(async () => expect((await get(ns, 'r')).status?.serverCount).to.equal(86), { timeoutMs: 30_000 })
    await patchRegistry(client, ns, 'r', { spec: { filter: { names: { include: ['aws-*'] }, tags: { exclude: ['remote'] } } } })
    const fixture = toolHiveFixture()
    const expected = Object.keys(fixture.servers).filter((k) => k.startsWith('aws-')).length
    await eventually(async () => {
      const snapshot = await storedSnapshot(clients, ns, 'r')
      expect(snapshot?.servers.length).to.equal(expected)
      expect((await get(ns, 'r')).status?.serverCount).to.equal(expected)
    }, { timeoutMs: 30_000 })
  })

  it('refuses a source ConfigMap in another namespace by default', async () => {
    const ns = await createTestNamespace('op-xns')
    const other = await createTestNamespace('op-xns-src')
    await putConfigMap(client, other, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'data', namespace: other } } })
    const r = await eventually(async () => {
      const reg = await get(ns, 'r')
      expect(conditionSummary(reg.status).SourceAvailable).to.deep.equal(['False', 'CrossNamespaceSourceForbidden'])
      return reg
    }, { timeoutMs: 30_000 })
    expect(r.status?.conditions?.find((c) => c.type === 'SourceAvailable')?.message).to.include('--allow-cross-namespace-sources')
    expect(await storedSnapshot(clients, ns, 'r')).to.equal(undefined)
  })

  it('shows Terminating and removes the storage while deletion is held by another finalizer', async () => {
    const ns = await createTestNamespace('op-terminating')
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'held', { source: { type: 'configmap', configmap: { name: 'data' } } })
    await readyRegistry(ns, 'held')
    const finalizers = (await get(ns, 'held')).metadata.finalizers ?? []
    await patchRegistry(client, ns, 'held', { metadata: { finalizers: [...finalizers, 'example.com/hold'] } })
    await client.delete((await import('../src/kinds.js')).MCPRegistryKind, ns, 'held')
    const terminating = await eventually(async () => {
      const r = await get(ns, 'held')
      expect([r.status?.phase, r.metadata.finalizers]).to.deep.equal(['Terminating', ['example.com/hold']])
      return r
    }, { timeoutMs: 30_000 })
    expect(conditionSummary(terminating.status).Ready).to.deep.equal(['False', 'Terminating'])
    expect(await storedSnapshot(clients, ns, 'held')).to.equal(undefined)
    await patchRegistry(client, ns, 'held', { metadata: { finalizers: [] } })
    await eventually(async () => expect(await readRegistry(client, ns, 'held')).to.equal(undefined), { timeoutMs: 30_000 })
  })

  it('deletes everything it created when the registry is deleted', async () => {
    const ns = await createTestNamespace('op-delete')
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'gone', { source: { type: 'configmap', configmap: { name: 'data' } } })
    await readyRegistry(ns, 'gone')
    await client.delete((await import('../src/kinds.js')).MCPRegistryKind, ns, 'gone')
    await eventually(async () => expect(await readRegistry(client, ns, 'gone')).to.equal(undefined), { timeoutMs: 30_000 })
    await eventually(async () => {
      const names = async (kind: Parameters<KubeClient['list']>[0]) => (await client.list(kind, ns)).items.map((o) => o.metadata?.name ?? '')
      expect({
        configMaps: (await names(ConfigMapKind)).filter((n) => n !== 'kube-root-ca.crt'),
        deployments: await names(DeploymentKind), services: await names(ServiceKind), roles: await names(RoleKind),
        roleBindings: await names(RoleBindingKind), serviceAccounts: (await names(ServiceAccountKind)).filter((n) => n !== 'default'),
      }).to.deep.equal({ configMaps: ['data'], deployments: [], services: [], roles: [], roleBindings: [], serviceAccounts: [] })
    }, { timeoutMs: 60_000 })
  })
})
