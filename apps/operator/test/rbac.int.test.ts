// The operator authenticated as a ServiceAccount bound to exactly config/rbac/role.yaml does its whole job:
// sync, storage, API objects (including the API's Role, without escalate/bind), Events, deletion.
// kubernetes sources: list/watch of the proxy kinds only, exported MCPServers read and a Warning Event on a skipped one.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { KubernetesObject } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { parse } from 'yaml'
import { MCPRegistryKind, MCPServerKind } from '../src/kinds.js'
import { eventually } from '@thv/testkit'
import { AllTrue, conditionSummary, createRegistry, putConfigMap, readRegistry, smallRegistry, startOperator, storedSnapshot, testClients, type RunningOperator, type TestClients } from './operator-harness.js'

const ROLE = fileURLToPath(new URL('../../../config/rbac/role.yaml', import.meta.url))

describe('operator RBAC (config/rbac)', function () {
  this.timeout(180_000)
  let running: RunningOperator | undefined
  after(async () => {
    await running?.stop()
  })

  let home: string
  let ns: string
  let clients: TestClients
  before(async () => {
    const plane = await getTestControlPlane()
    home = await createTestNamespace('op-rbac-home')
    ns = await createTestNamespace('op-rbac')
    clients = await testClients(ns)
    const { client } = clients
    const role = parse(readFileSync(ROLE, 'utf8')) as KubernetesObject & { rules: unknown[] }
    const roleName = `thv-operator-manager-${home}`
    await client.request('POST', '/api/v1/namespaces/' + home + '/serviceaccounts', { body: { metadata: { name: 'thv-operator', namespace: home } } })
    await client.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { body: { ...role, metadata: { name: roleName } } })
    await client.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: roleName },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name: 'thv-operator', namespace: home }],
      },
    })
    running = await startOperator({ kubeConfig: await plane.kubeConfigForServiceAccount(home, 'thv-operator') })
  })

  it('is sufficient for the whole lifecycle of a registry', async () => {
    const { client } = clients
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(3)) })
    await createRegistry(client, ns, 'r', { source: { type: 'configmap', configmap: { name: 'data' } } })
    const reg = await eventually(async () => {
      const r = await readRegistry(client, ns, 'r')
      expect(conditionSummary(r?.status)).to.deep.equal(AllTrue)
      return r
    }, { timeoutMs: 100_000 })
    expect((await storedSnapshot(clients, ns, 'r'))?.hash).to.equal(reg?.status?.lastSyncHash)
    const events = await client.request<{ items: Array<{ reason: string }> }>('GET', `/api/v1/namespaces/${ns}/events`)
    expect(events.items.map((e) => e.reason)).to.include('Synced')

    await client.delete(MCPRegistryKind, ns, 'r')
    await eventually(async () => expect(await readRegistry(client, ns, 'r')).to.equal(undefined), { timeoutMs: 30_000 })
  })

  it('lets kubernetes sources read exported workloads and warn on them, with list/watch only on the proxy kinds', async () => {
    const { client } = clients
    await (await getTestControlPlane()).installCrds(fileURLToPath(new URL('../../../testdata/toolhive-crds/mcpserver', import.meta.url)))
    const review = async (verb: string, resource: string): Promise<boolean> => (await client.request<{ status: { allowed: boolean } }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
        spec: { user: `system:serviceaccount:${home}:thv-operator`, resourceAttributes: { group: 'toolhive.stacklok.dev', resource, verb, namespace: ns } },
      },
    })).status.allowed
    expect(await Promise.all([review('list', 'mcpremoteproxies'), review('watch', 'virtualmcpservers'), review('get', 'mcpremoteproxies'), review('update', 'mcpservers')])).to.deep.equal([true, true, false, false])

    const server = (name: string, description: string) => ({
      apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPServer',
      metadata: { name, namespace: ns, annotations: { 'toolhive.stacklok.dev/registry-export': 'true', 'toolhive.stacklok.dev/registry-url': `http://${name}.${ns}.svc/mcp`, 'toolhive.stacklok.dev/registry-description': description } },
      spec: { image: 'ghcr.io/example/mcp:1.0.0', transport: 'streamable-http' },
    }) as KubernetesObject
    await eventually(() => client.create(MCPServerKind, ns, server('good', 'Exported')), { timeoutMs: 30_000 })
    await client.create(MCPServerKind, ns, server('bad', ''))
    await createRegistry(client, ns, 'running', { sources: [{ name: 'running', kubernetes: {} }] })
    await eventually(async () => {
      const r = await readRegistry(client, ns, 'running')
      expect(r?.status?.sources?.map((s) => [s.phase, s.serverCount, s.skippedCount])).to.deep.equal([['Ready', 1, 1]])
    }, { timeoutMs: 60_000 })
    await eventually(async () => {
      const events = await client.request<{ items: Array<{ reason: string; involvedObject: { kind: string; name: string } }> }>('GET', `/api/v1/namespaces/${ns}/events`)
      expect(events.items.filter((e) => e.reason === 'RegistryExportSkipped').map((e) => [e.involvedObject.kind, e.involvedObject.name])).to.deep.equal([['MCPServer', 'bad']])
    }, { timeoutMs: 30_000 })
  })
})
