// Issue 8 scenario 2: MCPServers labelled for a registry are counted in status.deployedServerCount and listed at
import { systemPlane } from '@thv/control-plane'
// /api/v1/registry/servers/deployed; unlabelled ones and ones labelled for another namespace are not.
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node'
import { expect } from 'chai'
import {
  applyObjects, E2E_FIELD_MANAGER, eventually, getJson, loadToolHiveFixture, readRegistry,
  startRegistryScenario, TOOLHIVE_GROUP, TOOLHIVE_VERSION, type ApiHandle,
} from '@thv/testkit'
import { getSystem, stopSystem, type E2ESystem } from '@thv/testkit'

after(stopSystem)

interface DeployedServer { name: string; namespace: string; serverName: string; image?: string; transport?: string; phase?: string; ready?: boolean; endpoint?: string }

describe('deployed MCPServers (issue 8 scenario 2)', function () {
  const fixture = loadToolHiveFixture()
  const name = 'deployed'
  const [fetchKey, otherKey] = Object.keys(fixture.servers) as [string, string]
  let sys: E2ESystem
  let ns: string
  let api: ApiHandle | undefined

  async function applyMcpServer(server: string, labels: Record<string, string>, entry: string, status?: { phase: string; url?: string }): Promise<void> {
    await applyObjects(sys.kc, [{
      apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPServer',
      metadata: { name: server, namespace: ns, labels },
      spec: { image: String(fixture.servers[entry]?.image ?? 'ghcr.io/example/mcp:1.0.0'), transport: 'streamable-http' },
    } as never])
    if (status) {
      // The status subresource ignores status in main-resource writes, so patch /status (merge patch, explicit type).
      await sys.kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectStatus(
        { group: TOOLHIVE_GROUP, version: TOOLHIVE_VERSION, namespace: ns, plural: 'mcpservers', name: server, body: { status }, fieldManager: E2E_FIELD_MANAGER },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
    }
  }

  before(async function () {
    sys = await getSystem({ plane: systemPlane })
    ;({ namespace: ns, api } = await startRegistryScenario(sys, 'e2e-deployed', name, JSON.stringify(fixture)))
  })

  after(async () => {
    await api?.stop()
  })

  it('counts and lists only the MCPServers labelled for this registry and namespace', async function () {
    if (!api) throw new Error('The API is not running; see the before hook')
    const labelsFor = (namespace: string, entry: string): Record<string, string> => ({
      'toolhive.stacklok.io/registry-name': name, 'toolhive.stacklok.io/registry-namespace': namespace, 'toolhive.stacklok.io/server-name': entry,
    })
    // The status subresource of the test CRD is written the way ToolHive's operator would.
    await applyMcpServer('fetch-a', labelsFor(ns, fetchKey), fetchKey, { phase: 'Running', url: `http://fetch-a.${ns}.svc.cluster.local:8080/mcp` })
    await applyMcpServer('other-b', labelsFor(ns, otherKey), otherKey, { phase: 'Pending' })
    await applyMcpServer('wrong-ns', labelsFor('somewhere-else', fetchKey), fetchKey, { phase: 'Running' })
    await applyMcpServer('unlabelled', {}, fetchKey, { phase: 'Running' })

    await eventually(async () => {
      const reg = await readRegistry(sys.kc, ns, name)
      expect(reg?.status?.deployedServerCount).to.equal(2)
    }, { timeoutMs: 20_000, intervalMs: 200 })
    const deployed = await eventually(async () => {
      const list = await getJson<DeployedServer[]>(`${api!.baseUrl}/api/v1/registry/servers/deployed`)
      expect(list.map((d) => d.name).sort()).to.deep.equal(['fetch-a', 'other-b'])
      return list
    }, { timeoutMs: 10_000 })
    const byName = Object.fromEntries(deployed.map((d) => [d.name, d]))
    expect(byName['fetch-a']).to.deep.include({
      namespace: ns, serverName: fetchKey, transport: 'streamable-http', phase: 'Running', ready: true,
      endpoint: `http://fetch-a.${ns}.svc.cluster.local:8080/mcp`,
    })
    expect(byName['other-b']).to.deep.include({ namespace: ns, serverName: otherKey, phase: 'Pending', ready: false })
    const one = await getJson<DeployedServer[]>(`${api.baseUrl}/api/v1/registry/servers/deployed/${encodeURIComponent(fetchKey)}`)
    expect(one.map((d) => d.name)).to.deep.equal(['fetch-a'])

    await sys.kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
      group: TOOLHIVE_GROUP, version: TOOLHIVE_VERSION, namespace: ns, plural: 'mcpservers', name: 'other-b',
    })
    await eventually(async () => {
      expect((await readRegistry(sys.kc, ns, name))?.status?.deployedServerCount).to.equal(1)
      const list = await getJson<DeployedServer[]>(`${api!.baseUrl}/api/v1/registry/servers/deployed`)
      expect(list.map((d) => d.name)).to.deep.equal(['fetch-a'])
    }, { timeoutMs: 20_000, intervalMs: 200 })
  })
})
