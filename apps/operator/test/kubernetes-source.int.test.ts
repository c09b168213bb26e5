// `kubernetes` sources against the real control plane: MCPServers annotated for export become remote entries served
// by the real API process (annotate, change, fall back to status.url, un-annotate, delete), MCPRemoteProxy and
// VirtualMCPServer CRDs installed after the operator started, 100 MCPServers across three namespaces with the
// cross-namespace flag off and on, a malformed annotation (skipped, counted, one Warning on the object), a burst of
// 100 edits coalesced into a few syncs, and a registry mixing a ConfigMap source with a kubernetes source.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CoreV1Event, KubernetesObject } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { EventKind, httpStatusOf, patchContentType, type KubeClient } from '@thv/k8s-reconcile'
import type { MCPRegistry } from '@thv/registry-model'
import { eventually, getJson, type ApiHandle } from '@thv/testkit'
import { expect } from 'chai'
import type { Registry } from 'prom-client'
import { MCPRemoteProxyKind, MCPServerKind, VirtualMCPServerKind } from '../src/kinds.js'
import {
  createRegistry, putConfigMap, requireRegistry, sourceStatusOf, startOperator, startRegistryApi, storedSnapshot, testClients, type RunningOperator,
  type TestClients,
} from './operator-harness.js'

const CrdDir = (name: string) => fileURLToPath(new URL(`../../../testdata/toolhive-crds/${name}`, import.meta.url))
const Export = 'toolhive.stacklok.dev/registry-export'
const Url = 'toolhive.stacklok.dev/registry-url'
const Description = 'toolhive.stacklok.dev/registry-description'
const Claims = 'toolhive.stacklok.dev/authz-claims'

type ServerList = { servers: Array<{ server: { name: string; description: string; remotes?: Array<{ type: string; url: string }> } }> }
type ToolHiveDoc = { remote_servers?: Record<string, { url: string; transport: string; description: string }> }

/** Sync attempts counted for one registry (`mcpregistry_sync_total`, both results). */
async function syncCount(metrics: Registry, namespace: string, name: string): Promise<number> {
  const metric = await metrics.getSingleMetric('mcpregistry_sync_total')?.get()
  return (metric?.values ?? []).filter((v) => v.labels['namespace'] === namespace && v.labels['registry'] === name).reduce((sum, v) => sum + v.value, 0)
}

describe('kubernetes sources: running MCP servers become registry entries', function () {
  this.timeout(300_000)
  let clients: TestClients
  let client: KubeClient
  let running: RunningOperator
  const apis: ApiHandle[] = []
  const logDir = mkdtempSync(join(tmpdir(), 'thv-kubernetes-source-'))

  before(async () => {
    clients = await testClients(await createTestNamespace('k8s-src-crd'))
    client = clients.client
    await (await getTestControlPlane()).installCrds(CrdDir('mcpserver'))
    running = await startOperator({ allowCrossNamespaceSources: true })
  })
  after(async () => {
    for (const api of apis) await api.stop()
    await running?.stop()
  })

  const registry = (ns: string, name: string): Promise<MCPRegistry> => requireRegistry(client, ns, name)
  const source = sourceStatusOf
  const startApi = async (ns: string, name: string): Promise<ApiHandle> => {
    const api = await startRegistryApi(ns, name, logDir)
    apis.push(api)
    return api
  }
  const mcpServer = (ns: string, name: string, annotations: Record<string, string>, transport = 'streamable-http'): KubernetesObject => ({
    apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPServer', metadata: { name, namespace: ns, annotations },
    spec: { image: `ghcr.io/example/${name}:1.2.3`, transport },
  } as KubernetesObject)
  const annotate = (ns: string, name: string, annotations: Record<string, string | null>) =>
    client.patch(MCPServerKind, ns, name, { metadata: { annotations } }, patchContentType.merge)
  const exported = (ns: string, name: string) => ({ [Export]: 'true', [Url]: `http://${name}.${ns}.svc:8080/mcp`, [Description]: `${name} in ${ns}` })
  const names = (list: ServerList) => list.servers.map((s) => s.server.name).sort()
  const skippedEvents = async (ns: string) =>
    (await client.list<CoreV1Event>(EventKind, ns)).items.filter((e) => e.reason === 'RegistryExportSkipped')

  it('serves an annotated MCPServer with its URL and transport, follows every edit, status.url, un-annotation and deletion', async () => {
    const ns = await createTestNamespace('k8s-src-life')
    await client.create(MCPServerKind, ns, mcpServer(ns, 'fetch', {}, 'sse'))
    await createRegistry(client, ns, 'running', { sources: [{ name: 'running', kubernetes: {} }] })
    const api = await startApi(ns, 'running')
    const name = `com.toolhive.k8s.${ns}/fetch`
    const served = () => getJson<ServerList>(`${api.baseUrl}/v0.1/servers`)
    const toolhive = () => getJson<ToolHiveDoc>(`${api.baseUrl}/api/v1/registry/servers`)
    expect((await served()).servers).to.deep.equal([])

    await annotate(ns, 'fetch', { [Export]: 'true', [Url]: 'https://fetch.example/sse', [Description]: 'Fetches pages' })
    await eventually(async () => {
      expect((await served()).servers.map((s) => [s.server.name, s.server.description, s.server.remotes])).to.deep.equal([
        [name, 'Fetches pages', [{ type: 'sse', url: 'https://fetch.example/sse' }]],
      ])
    }, { timeoutMs: 10_000, description: 'annotated MCPServer served' })
    expect((await toolhive()).remote_servers?.['fetch']).to.include({ url: 'https://fetch.example/sse', transport: 'sse', description: 'Fetches pages' })
    const ready = await eventually(async () => {
      const s = source(await registry(ns, 'running'), 'running')
      expect([s.kind, s.phase, s.serverCount, s.skippedCount]).to.deep.equal(['kubernetes', 'Ready', 1, 0])
      return s
    }, { timeoutMs: 10_000, description: 'status after the sync' })
    expect(ready.message).to.equal(`Synced 1 server from exported workloads of namespace ${ns}`)

    await annotate(ns, 'fetch', { [Description]: 'Fetches web pages' })
    await eventually(async () => {
      expect((await toolhive()).remote_servers?.['fetch']?.description).to.equal('Fetches web pages')
      expect((await served()).servers[0]?.server.description).to.equal('Fetches web pages')
    }, { timeoutMs: 10_000, description: 'description edit served' })

    // Without registry-url the object's status.url is the entry's URL.
    await client.patch(MCPServerKind, ns, 'fetch', { status: { phase: 'Running', url: 'http://fetch.cluster.example:8080/sse' } }, patchContentType.merge, { subresource: 'status' })
    await annotate(ns, 'fetch', { [Url]: null })
    await eventually(async () => {
      expect((await served()).servers[0]?.server.remotes).to.deep.equal([{ type: 'sse', url: 'http://fetch.cluster.example:8080/sse' }])
    }, { timeoutMs: 10_000, description: 'status.url served' })

    await annotate(ns, 'fetch', { [Export]: null })
    await eventually(async () => expect((await served()).servers).to.deep.equal([]), { timeoutMs: 10_000, description: 'un-annotated MCPServer gone' })
    await annotate(ns, 'fetch', { [Export]: 'true' })
    await eventually(async () => expect(names(await served())).to.deep.equal([name]), { timeoutMs: 10_000, description: 're-annotated MCPServer back' })
    await client.delete(MCPServerKind, ns, 'fetch')
    await eventually(async () => {
      expect((await served()).servers).to.deep.equal([])
      expect((await toolhive()).remote_servers ?? {}).to.deep.equal({})
    }, { timeoutMs: 10_000, description: 'deleted MCPServer gone' })
  })

  it('exports MCPRemoteProxies and VirtualMCPServers once their CRDs are installed after the operator started', async () => {
    const plane = await getTestControlPlane()
    for (const crd of ['mcpremoteproxies', 'virtualmcpservers']) {
      expect(await client.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}.toolhive.stacklok.dev`).catch((err: unknown) => httpStatusOf(err)), `${crd} CRD absent at start`).to.equal(404)
    }
    const ns = await createTestNamespace('k8s-src-late')
    await client.create(MCPServerKind, ns, mcpServer(ns, 'fetch', exported(ns, 'fetch')))
    await createRegistry(client, ns, 'late', { sources: [{ name: 'running', kubernetes: { namespaces: [ns] } }] })
    await eventually(async () => expect((await storedSnapshot(clients, ns, 'late'))?.servers.map((s) => s.server.name)).to.deep.equal([`com.toolhive.k8s.${ns}/fetch`]), { timeoutMs: 20_000 })

    await plane.installCrds(CrdDir('proxies'))
    await eventually(() => client.create(MCPRemoteProxyKind, ns, {
      apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRemoteProxy',
      metadata: { name: 'notion', namespace: ns, annotations: { [Export]: 'true', [Description]: 'Notion through the proxy' } },
      spec: { remoteURL: 'https://mcp.notion.example/mcp', transport: 'sse' },
    } as KubernetesObject), { timeoutMs: 30_000, description: 'MCPRemoteProxy accepted' })
    await client.patch(MCPRemoteProxyKind, ns, 'notion', { status: { url: `http://notion.${ns}.svc:8080/sse` } }, patchContentType.merge, { subresource: 'status' })
    await eventually(() => client.create(VirtualMCPServerKind, ns, {
      apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'VirtualMCPServer',
      metadata: { name: 'all-tools', namespace: ns, annotations: exported(ns, 'all-tools') },
      spec: { groupRef: { name: 'engineering' } },
    } as KubernetesObject), { timeoutMs: 30_000, description: 'VirtualMCPServer accepted' })

    const snapshot = await eventually(async () => {
      const s = await storedSnapshot(clients, ns, 'late')
      expect(s?.servers.map((x) => x.server.name)).to.deep.equal([`com.toolhive.k8s.${ns}/all-tools`, `com.toolhive.k8s.${ns}/fetch`, `com.toolhive.k8s.${ns}/notion`])
      return s
    }, { timeoutMs: 30_000, description: 'proxy and virtual server exported without a restart' })
    expect(snapshot?.servers.map((x) => x.server.remotes?.[0])).to.deep.equal([
      { type: 'streamable-http', url: `http://all-tools.${ns}.svc:8080/mcp` },
      { type: 'streamable-http', url: `http://fetch.${ns}.svc:8080/mcp` },
      { type: 'sse', url: `http://notion.${ns}.svc:8080/sse` },
    ])
  })

  it('100 MCPServers in three namespaces: the flag decides which a source may read, a malformed annotation is skipped once, a burst of 100 edits costs a few syncs', async () => {
    const [a, b, c] = [await createTestNamespace('k8s-src-a'), await createTestNamespace('k8s-src-b'), await createTestNamespace('k8s-src-c')] as [string, string, string]
    const layout: Array<[string, number]> = [[a, 40], [b, 30], [c, 30]]
    for (const [ns, count] of layout) {
      await Promise.all(Array.from({ length: count }, (_, i) => client.create(MCPServerKind, ns, mcpServer(ns, `srv-${i}`, exported(ns, `srv-${i}`)))))
    }
    await annotate(a, 'srv-7', { [Claims]: '{"groups": ["team-a"' })
    await running.stop()
    running = await startOperator({ allowCrossNamespaceSources: false })
    await createRegistry(client, a, 'fleet', { sources: [{ name: 'running', kubernetes: { namespaces: [a, b] } }] })
    await createRegistry(client, a, 'own', { sources: [{ name: 'running', kubernetes: {} }] })

    const own = await eventually(async () => {
      const s = source(await registry(a, 'own'), 'running')
      expect([s.phase, s.serverCount, s.skippedCount]).to.deep.equal(['Ready', 39, 1])
      return s
    }, { timeoutMs: 30_000, description: 'own namespace exported, malformed one skipped' })
    expect(own.message).to.equal(`Synced 39 servers from exported workloads of namespace ${a}; 1 workload skipped for malformed export annotations (see their RegistryExportSkipped Events)`)
    const fleet = await eventually(async () => {
      const s = source(await registry(a, 'fleet'), 'running')
      expect([s.phase, s.reason]).to.deep.equal(['Failed', 'CrossNamespaceSourceForbidden'])
      return s
    }, { timeoutMs: 30_000, description: 'cross-namespace source refused' })
    expect(fleet.message).to.include(`kubernetes source namespaces ${b} differ from the registry's namespace ${a}`)
    const warnings = await eventually(async () => {
      const found = await skippedEvents(a)
      expect(found.length).to.equal(1)
      return found
    }, { timeoutMs: 10_000, description: 'one Warning on the malformed MCPServer' })
    expect([warnings[0]?.type, warnings[0]?.involvedObject.kind, warnings[0]?.involvedObject.name]).to.deep.equal(['Warning', 'MCPServer', 'srv-7'])
    expect(warnings[0]?.message).to.equal(`Not exported to MCPRegistry ${a}/own (source running): annotation ${Claims} is not valid JSON`)
    expect(warnings[0]?.message).to.not.include('team-a')

    // A burst of 100 annotation edits in the namespace: coalesced into a few syncs, the last edit of each served.
    const before = await syncCount(running.metricsRegistry, a, 'own')
    for (let i = 0; i < 100; i++) await annotate(a, `srv-${i % 40}`, { [Description]: `edit ${i}` })
    const snapshot = await eventually(async () => {
      const s = await storedSnapshot(clients, a, 'own')
      const descriptions = new Map(s?.servers.map((x) => [x.server.name, x.server.description]))
      expect(descriptions.get(`com.toolhive.k8s.${a}/srv-0`)).to.equal('edit 80')
      expect(descriptions.get(`com.toolhive.k8s.${a}/srv-19`)).to.equal('edit 99')
      expect(descriptions.get(`com.toolhive.k8s.${a}/srv-39`)).to.equal('edit 79')
      return s
    }, { timeoutMs: 20_000, description: 'every last edit served' })
    expect(snapshot?.servers.length).to.equal(39)
    const syncs = (await syncCount(running.metricsRegistry, a, 'own')) - before
    expect(syncs).to.be.within(1, 20)
    expect((await skippedEvents(a)).length, 'the skipped object is warned about once, not once per sync').to.equal(1)

    // With cross-namespace sources allowed the fleet registry serves both listed namespaces, never the third.
    await running.stop()
    running = await startOperator({ allowCrossNamespaceSources: true })
    const ready = await eventually(async () => {
      const s = source(await registry(a, 'fleet'), 'running')
      expect([s.phase, s.serverCount, s.skippedCount]).to.deep.equal(['Ready', 69, 1])
      return s
    }, { timeoutMs: 30_000, description: 'fleet serves two namespaces' })
    expect(ready.message).to.match(new RegExp(`^Synced 69 servers from exported workloads of namespaces ${a}, ${b}(?: \\(data unchanged\\))?; 1 workload skipped`))
    const fleetNames = (await storedSnapshot(clients, a, 'fleet'))?.servers.map((s) => s.server.name) ?? []
    expect(fleetNames.filter((n) => n.startsWith(`com.toolhive.k8s.${b}/`)).length).to.equal(30)
    expect(fleetNames.filter((n) => n.startsWith(`com.toolhive.k8s.${c}/`))).to.deep.equal([])
  })

  it('mixes a ConfigMap source and a kubernetes source: running servers shadow nothing unless named the same, and that is reported', async () => {
    const ns = await createTestNamespace('k8s-src-mix')
    const taken = `com.toolhive.k8s.${ns}/fetch`
    const curated = [
      { name: 'io.example/weather', description: 'Weather forecasts', version: '1.0.0', remotes: [{ type: 'streamable-http', url: 'https://weather.example/mcp' }] },
      { name: taken, description: 'Curated fetch', version: '1.0.0', remotes: [{ type: 'streamable-http', url: 'https://curated.example/fetch' }] },
    ]
    await putConfigMap(client, ns, 'platform', { 'servers.json': JSON.stringify(curated) })
    await client.create(MCPServerKind, ns, mcpServer(ns, 'fetch', exported(ns, 'fetch')))
    await client.create(MCPServerKind, ns, mcpServer(ns, 'time', exported(ns, 'time')))
    await createRegistry(client, ns, 'mixed', {
      sources: [{ name: 'platform', format: 'upstream', configMapRef: { name: 'platform', key: 'servers.json' } }, { name: 'running', kubernetes: {} }],
    })
    const r = await eventually(async () => {
      const got = await registry(ns, 'mixed')
      expect([got.status?.sourcesReady, source(got, 'running').serverCount, source(got, 'running').shadowedCount, source(got, 'platform').shadowedCount]).to.deep.equal(['2/2', 2, 1, 0])
      return got
    }, { timeoutMs: 30_000 })
    expect(r.status?.serverCount).to.equal(3)
    const shadowEvent = await eventually(async () => {
      const found = (await client.list<CoreV1Event>(EventKind, ns)).items.filter((e) => e.reason === 'ServersShadowed')
      expect(found.length).to.equal(1)
      return found[0]
    })
    expect(shadowEvent?.message).to.include(`${taken} (running, served from platform)`)

    const api = await startApi(ns, 'mixed')
    const list = await getJson<ServerList>(`${api.baseUrl}/v0.1/servers`)
    expect(list.servers.map((s) => [s.server.name, s.server.description])).to.deep.equal([
      [taken, 'Curated fetch'], [`com.toolhive.k8s.${ns}/time`, `time in ${ns}`], ['io.example/weather', 'Weather forecasts'],
    ])
    const doc = await getJson<ToolHiveDoc>(`${api.baseUrl}/api/v1/registry/servers`)
    expect(Object.keys(doc.remote_servers ?? {}).sort()).to.deep.equal(['fetch', 'time', 'weather'])
  })
})
