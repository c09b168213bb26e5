// The operator authenticated as a ServiceAccount bound to exactly config/rbac/role.yaml does its whole job:
// sync, storage, API objects (including the API's Role, without escalate/bind), Events, deletion.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { KubernetesObject } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { parse } from 'yaml'
import { MCPRegistryKind } from '../src/kinds.js'
import { eventually } from '@thv/testkit'
import { AllTrue, conditionSummary, createRegistry, putConfigMap, readRegistry, smallRegistry, startOperator, storedSnapshot, testClients, type RunningOperator } from './operator-harness.js'

const ROLE = fileURLToPath(new URL('../../../config/rbac/role.yaml', import.meta.url))

describe('operator RBAC (config/rbac)', function () {
  this.timeout(180_000)
  let running: RunningOperator | undefined
  after(async () => {
    await running?.stop()
  })

  it('is sufficient for the whole lifecycle of a registry', async () => {
    const plane = await getTestControlPlane()
    const home = await createTestNamespace('op-rbac-home')
    const ns = await createTestNamespace('op-rbac')
    const clients = await testClients(ns)
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
})
