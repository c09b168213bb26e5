// Registries with several sources against the real control plane: ToolHive's typed-era manifest, views served by
// the real API process over HTTP, shadowing, a broken source that keeps serving its last good data while the others
// move on (and its own backoff), per-source triggers, unsupported fields, and a Part I registry left untouched.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CoreV1Event } from '@kubernetes/client-node'
import { createTestNamespace } from '@thv/control-plane'
import { EventKind, type KubeClient } from '@thv/k8s-reconcile'
import type { MCPRegistry, RegistrySnapshot } from '@thv/registry-model'
import { sourceStorageConfigMapName, storageConfigMapName } from '@thv/storage'
import { consistently, eventually, getJson, httpGet, type ApiHandle } from '@thv/testkit'
import { expect } from 'chai'
import {
  conditionSummary, createRegistry, patchRegistry, putConfigMap, smallRegistry, startOperator, storedSnapshot, testClients,
  toolHiveFixture, ToolHiveFixturePath, type RunningOperator, type TestClients, type ToolHiveDoc, requireRegistry, sourceStatusOf, startRegistryApi,
} from './operator-harness.js'

const UpstreamFixturePath = join(ToolHiveFixturePath, '..', 'toolhive-upstream-registry-2025-12-11.json')
const SourcesTrue = {
  SourceAvailable: ['True', 'SourcesFetched'], DataValid: ['True', 'DataValidated'], SyncSuccessful: ['True', 'SourcesSynced'],
  APIReady: ['True', 'DeploymentAvailable'], Ready: ['True', 'RegistryReady'],
}
/** ToolHive keys `from`..`to` of the fixture as a registry document. */
function slice(from: number, to: number): ToolHiveDoc {
  const doc = toolHiveFixture()
  return { ...doc, servers: Object.fromEntries(Object.entries(doc.servers).slice(from, to)), remote_servers: {} }
}
const keysOf = (doc: ToolHiveDoc) => Object.keys(doc.servers).map((k) => `io.github.stacklok/${k}`)
type ServerList = { servers: Array<{ server: { name: string; description?: string } }> }
const namesIn = (list: ServerList) => [...new Set(list.servers.map((s) => s.server.name))].sort()

describe('MCPRegistry with several sources', function () {
  this.timeout(240_000)
  let clients: TestClients
  let client: KubeClient
  let running: RunningOperator
  const apis: ApiHandle[] = []
  const logDir = mkdtempSync(join(tmpdir(), 'thv-multi-source-'))

  before(async () => {
    clients = await testClients(await createTestNamespace('ms-crd'))
    client = clients.client
    running = await startOperator()
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
  const events = async (ns: string, reason: string) =>
    (await client.list<CoreV1Event>(EventKind, ns)).items.filter((e) => e.reason === reason && e.involvedObject.kind === 'MCPRegistry')

  it("applies ToolHive's typed-era manifest unchanged: two sources, two views served over HTTP, shadowing counted and reported", async () => {
    const ns = await createTestNamespace('ms-toolhive')
    const platform = smallRegistry(10)
    const upstreamText = readFileSync(UpstreamFixturePath, 'utf8')
    const upstreamNames = (JSON.parse(upstreamText) as { data: { servers: Array<{ name: string }> } }).data.servers.map((s) => s.name)
    await putConfigMap(client, ns, 'platform-registry', { 'registry.json': JSON.stringify(platform) })
    await putConfigMap(client, ns, 'upstream-servers', { 'servers.json': upstreamText })
    // The manifest of the issue, byte for byte but for its namespace.
    await createRegistry(client, ns, 'team', {
      displayName: 'Team registry',
      sources: [
        {
          name: 'platform', format: 'toolhive', configMapRef: { name: 'platform-registry', key: 'registry.json' }, syncPolicy: { interval: '30m' },
          filter: { names: { include: ['*'], exclude: ['*-deprecated'] }, tags: { exclude: ['experimental'] } },
        },
        { name: 'upstream-list', format: 'upstream', configMapRef: { name: 'upstream-servers', key: 'servers.json' } },
      ],
      registries: [{ name: 'default', sources: ['platform', 'upstream-list'] }, { name: 'platform-only', sources: ['platform'] }],
    })

    const platformNames = keysOf(platform)
    const shadowed = upstreamNames.filter((n) => platformNames.includes(n))
    expect(shadowed.length, 'the fixtures overlap').to.be.greaterThan(0)
    const ready = await eventually(async () => {
      const r = await registry(ns, 'team')
      expect([conditionSummary(r.status), r.status?.phase, r.status?.sourcesReady]).to.deep.equal([SourcesTrue, 'Ready', '2/2'])
      return r
    }, { timeoutMs: 90_000 })
    const p = source(ready, 'platform')
    const u = source(ready, 'upstream-list')
    expect({ ...p, lastSyncTime: 't', lastAttemptTime: 't', nextSyncTime: 't', lastSyncHash: p.lastSyncHash?.length, specHash: 'h' }).to.deep.equal({
      name: 'platform', kind: 'configMapRef', phase: 'Ready', message: `Synced ${platformNames.length} servers from ConfigMap ${ns}/platform-registry key registry.json`,
      lastSyncTime: 't', lastAttemptTime: 't', nextSyncTime: 't', lastSyncHash: 64, serverCount: platformNames.length, shadowedCount: 0, syncAttempts: 0, specHash: 'h',
    })
    expect(Date.parse(p.nextSyncTime ?? '') - Date.parse(p.lastSyncTime ?? '')).to.equal(30 * 60_000)
    expect([u.phase, u.kind, u.serverCount, u.shadowedCount, u.nextSyncTime]).to.deep.equal(['Ready', 'configMapRef', upstreamNames.length, shadowed.length, undefined])
    expect(ready.status?.serverCount).to.equal(new Set([...platformNames, ...upstreamNames]).size)

    const shadowEvents = await eventually(async () => {
      const found = await events(ns, 'ServersShadowed')
      expect(found.length).to.equal(1)
      return found
    })
    expect(shadowEvents[0]?.message).to.match(new RegExp(`^${shadowed.length} servers? shadowed: `))
    expect(shadowEvents[0]?.message).to.include(`${shadowed[0]} (upstream-list, served from platform)`)

    const api = await startApi(ns, 'team')
    const all = await getJson<ServerList>(`${api.baseUrl}/v0.1/servers?limit=100`)
    expect(namesIn(all)).to.deep.equal([...new Set([...platformNames, ...upstreamNames])].sort())
    expect(await getJson<ServerList>(`${api.baseUrl}/registry/default/v0.1/servers?limit=100`)).to.deep.equal(all)
    const platformOnly = await getJson<ServerList>(`${api.baseUrl}/registry/platform-only/v0.1/servers?limit=100`)
    expect(namesIn(platformOnly)).to.deep.equal([...platformNames].sort())
    const info = await getJson<{ views: unknown }>(`${api.baseUrl}/registry/platform-only/api/v1/registry/info`)
    expect(info.views).to.deep.equal([
      { name: 'default', sources: ['platform', 'upstream-list'], path: '/registry/default' },
      { name: 'platform-only', sources: ['platform'], path: '/registry/platform-only' },
    ])
    // What thv asks a registry base URL for: the OpenAPI document, then the server list.
    const openapi = await httpGet(`${api.baseUrl}/registry/platform-only/openapi.yaml`)
    expect([openapi.status, openapi.headers.get('content-type')]).to.deep.equal([200, 'application/yaml; charset=utf-8'])
    expect((await httpGet(`${api.baseUrl}/registry/unknown/v0.1/servers`)).status).to.equal(404)
  })

  it('keeps serving a broken source\'s last good servers while the others update, names it in the status, backs off only that source, and recovers', async () => {
    const ns = await createTestNamespace('ms-broken')
    const docs = { a: slice(0, 5), b: slice(5, 10), c: slice(10, 15) }
    for (const [name, doc] of Object.entries(docs)) await putConfigMap(client, ns, `src-${name}`, { 'registry.json': JSON.stringify(doc) })
    await createRegistry(client, ns, 'three', {
      sources: ['a', 'b', 'c'].map((name) => ({ name, configmap: { name: `src-${name}` } })),
      syncPolicy: { retryPolicy: { backoffInterval: '1s', backoffMultiplier: '1', maxAttempts: 100 } },
    })
    await eventually(async () => expect((await registry(ns, 'three')).status?.sourcesReady).to.equal('3/3'), { timeoutMs: 60_000 })
    const api = await startApi(ns, 'three')
    const served = async () => namesIn(await getJson<ServerList>(`${api.baseUrl}/v0.1/servers?limit=100`))
    const everything = [...keysOf(docs.a), ...keysOf(docs.b), ...keysOf(docs.c)].sort()
    expect(await served()).to.deep.equal(everything)

    await putConfigMap(client, ns, 'src-b', { 'registry.json': '{"servers": [' })
    const failing = await eventually(async () => {
      const r = await registry(ns, 'three')
      expect(source(r, 'b').phase).to.equal('Failed')
      return r
    }, { timeoutMs: 30_000 })
    const conditions = failing.status?.conditions ?? []
    const byType = (t: string) => conditions.find((c) => c.type === t)
    expect([byType('DataValid')?.status, byType('SyncSuccessful')?.status, byType('Ready')?.status]).to.deep.equal(['False', 'False', 'True'])
    expect(byType('DataValid')?.message).to.match(/^1 of 3 sources have invalid data: b \(InvalidJson\): /)
    expect(source(failing, 'b').message).to.include('its last good 5 servers are still served')
    expect(await served()).to.deep.equal(everything)

    // The others move on while b backs off: edit a and c, and their lastSyncTime and data move.
    const aBefore = source(failing, 'a').lastSyncTime
    const edited = { ...docs.c, servers: { ...docs.c.servers, ...slice(15, 17).servers } }
    await new Promise((r) => setTimeout(r, 1_100)) // lastSyncTime has second resolution
    await putConfigMap(client, ns, 'src-c', { 'registry.json': JSON.stringify(edited) })
    await putConfigMap(client, ns, 'src-a', { 'registry.json': JSON.stringify(slice(0, 4)) })
    const started = Date.now()
    await eventually(async () => expect(await served()).to.deep.equal([...keysOf(slice(0, 4)), ...keysOf(docs.b), ...keysOf(edited)].sort()), { timeoutMs: 30_000, intervalMs: 100 })
    expect(Date.now() - started, 'edit to served for the healthy sources').to.be.lessThan(5_000)
    // The served snapshot is stored before the status is written: await the status of the same round.
    await eventually(async () => expect(source(await registry(ns, 'three'), 'a').lastSyncTime).to.not.equal(aBefore), { timeoutMs: 30_000, intervalMs: 100 })
    const bAttempts = await eventually(async () => {
      const r = await registry(ns, 'three')
      expect(source(r, 'b').syncAttempts ?? 0).to.be.greaterThan(2)
      return source(r, 'b').syncAttempts
    }, { timeoutMs: 30_000 })
    expect(source(await registry(ns, 'three'), 'a').syncAttempts).to.equal(0)
    expect(bAttempts).to.be.greaterThan(2)

    await putConfigMap(client, ns, 'src-b', { 'registry.json': JSON.stringify(slice(5, 8)) })
    await eventually(async () => {
      const r = await registry(ns, 'three')
      expect([source(r, 'b').phase, source(r, 'b').syncAttempts, conditionSummary(r.status)['DataValid']]).to.deep.equal(['Ready', 0, ['True', 'DataValidated']])
      expect(await served()).to.deep.equal([...keysOf(slice(0, 4)), ...keysOf(slice(5, 8)), ...keysOf(edited)].sort())
    }, { timeoutMs: 30_000 })
  })

  it('syncs one source on its sync-trigger-<source> annotation, re-syncs only the sources whose spec changed, and re-filters on a filter change', async () => {
    const ns = await createTestNamespace('ms-trigger')
    await putConfigMap(client, ns, 'src-a', { 'registry.json': JSON.stringify(slice(0, 5)) })
    await putConfigMap(client, ns, 'src-b', { 'registry.json': JSON.stringify(slice(5, 10)) })
    await createRegistry(client, ns, 'trig', { sources: [{ name: 'a', configmap: { name: 'src-a' } }, { name: 'b', configmap: { name: 'src-b' } }] })
    const first = await eventually(async () => {
      const r = await registry(ns, 'trig')
      expect(r.status?.sourcesReady).to.equal('2/2')
      return r
    }, { timeoutMs: 60_000 })
    await new Promise((r) => setTimeout(r, 1_100)) // attempt times have second resolution

    await patchRegistry(client, ns, 'trig', { metadata: { annotations: { 'toolhive.stacklok.dev/sync-trigger-b': 'now-1' } } })
    const triggered = await eventually(async () => {
      const r = await registry(ns, 'trig')
      expect(source(r, 'b').lastManualSyncTrigger).to.equal('now-1')
      return r
    }, { timeoutMs: 30_000 })
    expect(source(triggered, 'b').lastAttemptTime).to.not.equal(source(first, 'b').lastAttemptTime)
    expect(source(triggered, 'a').lastAttemptTime).to.equal(source(first, 'a').lastAttemptTime)
    await new Promise((r) => setTimeout(r, 1_100))

    // A spec change of source a only: b is not attempted again.
    await patchRegistry(client, ns, 'trig', { spec: { sources: [{ name: 'a', configmap: { name: 'src-a' }, filter: { exclude: [`${keysOf(slice(0, 1))[0]}`] } }, { name: 'b', configmap: { name: 'src-b' } }] } })
    const changed = await eventually(async () => {
      const r = await registry(ns, 'trig')
      expect([r.status?.observedGeneration, source(r, 'a').serverCount]).to.deep.equal([r.metadata.generation, 4])
      return r
    }, { timeoutMs: 30_000 })
    expect(source(changed, 'b').lastAttemptTime).to.equal(source(triggered, 'b').lastAttemptTime)

    // A global filter change re-filters the merge without fetching.
    await patchRegistry(client, ns, 'trig', { spec: { filter: { exclude: [keysOf(slice(5, 6))[0] as string] } } })
    await eventually(async () => {
      const r = await registry(ns, 'trig')
      expect([r.status?.observedGeneration, r.status?.serverCount]).to.deep.equal([r.metadata.generation, 8])
      const snap = await storedSnapshot(clients, ns, 'trig') as RegistrySnapshot
      expect(snap.servers.map((s) => s.server.name)).to.not.include(keysOf(slice(5, 6))[0])
    }, { timeoutMs: 30_000 })
    expect(source(await registry(ns, 'trig'), 'b').lastAttemptTime).to.equal(source(triggered, 'b').lastAttemptTime)
  })

  it('accepts typed-era fields it does not implement and says so: Unsupported=True with the field paths and one Warning Event', async () => {
    const ns = await createTestNamespace('ms-unsupported')
    await putConfigMap(client, ns, 'src-a', { 'registry.json': JSON.stringify(slice(0, 3)) })
    await createRegistry(client, ns, 'typed', {
      sources: [{ name: 'a', configMapRef: { name: 'src-a', key: 'registry.json' } }, { name: 'writes', managed: {} }, { name: 'running', kubernetes: { namespaces: [ns] } }],
      databaseConfig: { host: 'postgres', port: 5432 }, enforceServers: true,
    })
    const r = await eventually(async () => {
      const got = await registry(ns, 'typed')
      expect(conditionSummary(got.status)['Unsupported']).to.deep.equal(['True', 'UnsupportedFields'])
      expect(got.status?.phase).to.equal('Ready')
      return got
    }, { timeoutMs: 60_000 })
    expect(r.status?.conditions?.find((c) => c.type === 'Unsupported')?.message).to.equal(
      'Accepted but not implemented, so without effect: spec.databaseConfig, spec.enforceServers, spec.sources[1].managed')
    // The kubernetes source is implemented: with nothing exported in the namespace it syncs empty.
    await eventually(async () => expect([source(await registry(ns, 'typed'), 'running').phase, (await registry(ns, 'typed')).status?.sourcesReady]).to.deep.equal(['Ready', '2/3']))
    expect(source(r, 'writes').phase).to.equal('Unsupported')
    await eventually(async () => expect((await events(ns, 'UnsupportedFields')).length).to.equal(1))
    await patchRegistry(client, ns, 'typed', { metadata: { annotations: { 'toolhive.stacklok.dev/sync-trigger': 'again' } } })
    await eventually(async () => expect((await registry(ns, 'typed')).status?.lastManualSyncTrigger).to.equal('again'))
    await consistently(async () => { expect((await events(ns, 'UnsupportedFields')).length).to.equal(1) }, { timeoutMs: 2_000 })
  })

  it('leaves a Part I registry as it was: no source slots, no status.sources, the same stored hash after an operator restart', async () => {
    const ns = await createTestNamespace('ms-upgrade')
    await putConfigMap(client, ns, 'registry-data', { 'registry.json': JSON.stringify(slice(0, 6)) })
    await createRegistry(client, ns, 'old', { source: { type: 'configmap', configmap: { name: 'registry-data' } } })
    const before = await eventually(async () => {
      const r = await registry(ns, 'old')
      expect(r.status?.phase).to.equal('Ready')
      return r
    }, { timeoutMs: 60_000 })
    const storageBefore = await clients.core.readNamespacedConfigMap({ namespace: ns, name: storageConfigMapName('old') })
    await running.stop()
    running = await startOperator()
    await eventually(async () => expect(running.operator.manager.readyz().ok).to.equal(true))
    await consistently(async () => {
      const r = await registry(ns, 'old')
      expect([r.status?.lastSyncHash, r.status?.serverCount, r.status?.sources, r.status?.sourcesReady, r.status?.phase])
        .to.deep.equal([before.status?.lastSyncHash, 6, undefined, undefined, 'Ready'])
      const storage = await clients.core.readNamespacedConfigMap({ namespace: ns, name: storageConfigMapName('old') })
      expect(storage.metadata?.resourceVersion).to.equal(storageBefore.metadata?.resourceVersion)
    }, { timeoutMs: 3_000 })
    const slots = await clients.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'toolhive.stacklok.dev/storage-source' })
    expect(slots.items.map((c) => c.metadata?.name)).to.deep.equal([])
    expect(sourceStorageConfigMapName('old', 'default')).to.equal('old-default-source-storage')
  })
})
