// API objects kept in shape (drift restored, new image rolled out), deployed MCPServers counted (CRD installed while
// the operator runs), ToolHive's v1alpha1 manifest accepted unchanged, and no reconcile loop on own status writes.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node'
import { createTestNamespace } from '@thv/control-plane'
import { DeploymentKind, patchContentType, type KubeClient } from '@thv/k8s-reconcile'
import { parseAllDocuments } from 'yaml'
import { MCPServerKind } from '../src/kinds.js'
import { consistently, eventually } from '@thv/testkit'
import { AllTrue, conditionSummary, createRegistry, putConfigMap, readRegistry, reconcileTotal, smallRegistry, startOperator, storedSnapshot, testClients, type RunningOperator, type TestClients } from './operator-harness.js'
import { installCrds } from './crd-install.js'

const SAMPLES = fileURLToPath(new URL('../../../config/samples', import.meta.url))
const MCPSERVER_CRD_DIR = fileURLToPath(new URL('../../../testdata/toolhive-crds/mcpserver', import.meta.url))

describe('MCPRegistry operator: API objects, deployed servers, ToolHive manifests', function () {
  this.timeout(180_000)
  let clients: TestClients
  let client: KubeClient
  let running: RunningOperator | undefined

  before(async () => {
    clients = await testClients(await createTestNamespace('api-crd'))
    client = clients.client
    running = await startOperator({ image: 'example.com/thv-registry-api:1' })
  })
  after(async () => {
    await running?.stop()
  })

  const ready = (ns: string, name: string) =>
    eventually(async () => {
      const r = await readRegistry(client, ns, name)
      expect(conditionSummary(r?.status)).to.deep.equal(AllTrue)
      return r
    }, { timeoutMs: 100_000 })
  const container = async (ns: string, name: string) =>
    (await client.get<V1Deployment>(DeploymentKind, ns, name)).spec?.template.spec?.containers[0]

  it('restores a hand-edited Deployment and rolls out a changed --registry-api-image', async () => {
    const ns = await createTestNamespace('api-drift')
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'data' } } })
    await ready(ns, 'r')
    const desired = await container(ns, 'r-api')

    // A person edits image, args and security context with a strategic-merge-patch-free JSON patch.
    await client.patch(DeploymentKind, ns, 'r-api', [
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'evil.example.com/api:6.6.6' },
      { op: 'replace', path: '/spec/template/spec/containers/0/args', value: ['--file', '/tmp/other.json'] },
      { op: 'replace', path: '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', value: false },
    ], patchContentType.json, { query: { fieldManager: 'kubectl-edit' } })
    await eventually(async () => {
      const c = await container(ns, 'r-api')
      expect({ image: c?.image, args: c?.args, securityContext: c?.securityContext })
        .to.deep.equal({ image: desired?.image, args: desired?.args, securityContext: desired?.securityContext })
    }, { timeoutMs: 20_000 })

    await running?.stop()
    running = await startOperator({ image: 'example.com/thv-registry-api:2' })
    await eventually(async () => expect((await container(ns, 'r-api'))?.image).to.equal('example.com/thv-registry-api:2'), { timeoutMs: 30_000 })
  })

  it('counts MCPServers labelled for the registry once their CRD is installed, without a restart', async () => {
    const ns = await createTestNamespace('api-deployed')
    const apps = await createTestNamespace('api-deployed-apps')
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'data' } } })
    await eventually(async () => expect((await readRegistry(client, ns, 'r'))?.status?.deployedServerCount).to.equal(0), { timeoutMs: 30_000 })

    await installCrds(MCPSERVER_CRD_DIR)
    const server = (name: string, namespace: string, registryNamespace: string) => ({
      apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPServer',
      metadata: { name, namespace, labels: { 'toolhive.stacklok.io/registry-name': 'r', 'toolhive.stacklok.io/registry-namespace': registryNamespace, 'toolhive.stacklok.io/server-name': name } },
      spec: { image: `ghcr.io/example/${name}:1`, transport: 'streamable-http' },
    }) as KubernetesObject
    await eventually(() => client.create(MCPServerKind, ns, server('fetch', ns, ns)), { timeoutMs: 30_000 })
    await client.create(MCPServerKind, apps, server('github', apps, ns))
    await client.create(MCPServerKind, ns, server('wrong-namespace-label', ns, 'elsewhere'))

    await eventually(async () => {
      expect((await readRegistry(client, ns, 'r'))?.status?.deployedServerCount).to.equal(2)
      const snapshot = await storedSnapshot(clients, ns, 'r')
      expect(snapshot?.deployedServers.map((d) => [d.namespace, d.name, d.serverName, d.image, d.ready]).sort()).to.deep.equal([
        [apps, 'github', 'github', 'ghcr.io/example/github:1', false],
        [ns, 'fetch', 'fetch', 'ghcr.io/example/fetch:1', false],
      ].sort())
    }, { timeoutMs: 30_000 })
  })

  it('accepts the ToolHive-shaped v1alpha1 sample unchanged and becomes Ready', async () => {
    const ns = await createTestNamespace('api-toolhive')
    const docs = (file: string) => parseAllDocuments(readFileSync(join(SAMPLES, file), 'utf8')).map((d) => d.toJS() as KubernetesObject & { data?: Record<string, string>; spec?: unknown })
    const [configMap] = docs('registry-data.configmap.yaml')
    const [registry] = docs('toolhive-v1alpha1/mcpregistry.yaml')
    await putConfigMap(client, ns, configMap?.metadata?.name ?? '', configMap?.data ?? {})
    await createRegistry(client, ns, registry?.metadata?.name ?? '', registry?.spec)
    const reg = await ready(ns, registry?.metadata?.name ?? '')
    const data = JSON.parse(configMap?.data?.['registry.json'] ?? '{}') as { servers: object; remote_servers: object }
    expect(reg?.status?.serverCount).to.equal(Object.keys(data.servers).length + Object.keys(data.remote_servers).length)
    expect(reg?.spec).to.deep.equal(registry?.spec)
  })

  it('reads and watches a source in another namespace when started with --allow-cross-namespace-sources', async () => {
    await running?.stop()
    running = await startOperator({ image: 'example.com/thv-registry-api:2', allowCrossNamespaceSources: true })
    const ns = await createTestNamespace('api-xns')
    const other = await createTestNamespace('api-xns-src')
    await putConfigMap(client, other, 'shared', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'shared', namespace: other } } })
    await ready(ns, 'r')
    await putConfigMap(client, other, 'shared', { 'registry.json': JSON.stringify(smallRegistry(5)) })
    await eventually(async () => expect((await storedSnapshot(clients, ns, 'r'))?.servers.length).to.equal(5), { timeoutMs: 10_000 })
  })

  it('does not reconcile in a loop on its own status writes (reconcile count and resourceVersion stay flat)', async () => {
    const ns = await createTestNamespace('api-quiet')
    // An operator of its own that watches only this namespace, so every reconcile it counts is about this registry.
    await running?.stop()
    running = await startOperator({ image: 'example.com/thv-registry-api:1', watchNamespace: ns })
    const metrics = running.metricsRegistry
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'data' } } })
    const settled = await ready(ns, 'r')
    const version = settled?.metadata.resourceVersion
    expect(await reconcileTotal(metrics)).to.be.above(0)
    // The work that follows Ready (owned objects' last events) ends: a loop of no-op reconciles never would.
    let seen = await reconcileTotal(metrics)
    const count = await eventually(async () => {
      const before = seen
      await new Promise((r) => setTimeout(r, 1_000))
      seen = await reconcileTotal(metrics)
      expect(seen, 'reconciles in the last second').to.equal(before)
      return seen
    }, { timeoutMs: 30_000, intervalMs: 0 })
    await consistently(async () => {
      expect(await reconcileTotal(metrics), 'controller_runtime_reconcile_total').to.equal(count)
      expect((await readRegistry(client, ns, 'r'))?.metadata.resourceVersion).to.equal(version)
    }, { timeoutMs: 4_000, intervalMs: 200 })
  })
})
