// Issue 8 scenarios 1, 3, 4 and 8: config/samples applied -> Ready and served in both formats; a source edit is live
// within 5 s with no failed request; invalid data keeps the last good data served and is explained; deletion leaves
// nothing behind and the API stops serving.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AppsV1Api, CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node'
import { createTestNamespace, renderKustomization, systemPlane } from '@thv/control-plane'
import { findCondition } from '@thv/k8s-reconcile'
import { OfficialMetaKey } from '@thv/registry-model'
import { expect, use } from 'chai'
import chaiAsPromised from 'chai-as-promised'
import {
  applyObjects, applySourceConfigMap, consistently, eventually, getJson, getToolHiveDocument, httpGet,
  listAllUpstream, parseManifests, readRegistry, registryEvents, REPO_ROOT,
  TOOLHIVE_GROUP, TOOLHIVE_VERSION, toolHiveKeys, waitForRegistryReady, type ApiHandle, type RegistryObject, type ToolHiveDocument,
} from '@thv/testkit'
import { getSystem, stopSystem, type E2ESystem } from '@thv/testkit'

use(chaiAsPromised)
after(stopSystem)

/** Renders config/samples (kustomize when it has a kustomization, else every YAML file). */
async function sampleObjects(): Promise<KubernetesObject[]> {
  const dir = join(REPO_ROOT, 'config/samples')
  const files = readdirSync(dir)
  if (files.some((f) => /^kustomization\.ya?ml$/.test(f))) return renderKustomization(dir)
  return files.filter((f) => /\.ya?ml$/.test(f)).sort().flatMap((f) => parseManifests(readFileSync(join(dir, f), 'utf8')))
}

/** Owner-referenced objects of a registry, as `Kind/name` strings. */
async function ownedObjects(sys: E2ESystem, namespace: string, uid: string): Promise<string[]> {
  const core = sys.kc.makeApiClient(CoreV1Api)
  const apps = sys.kc.makeApiClient(AppsV1Api)
  const rbac = sys.kc.makeApiClient(RbacAuthorizationV1Api)
  const lists: Array<[string, Promise<{ items: KubernetesObject[] }>]> = [
    ['ConfigMap', core.listNamespacedConfigMap({ namespace })],
    ['Service', core.listNamespacedService({ namespace })],
    ['ServiceAccount', core.listNamespacedServiceAccount({ namespace })],
    ['Deployment', apps.listNamespacedDeployment({ namespace })],
    ['Role', rbac.listNamespacedRole({ namespace })],
    ['RoleBinding', rbac.listNamespacedRoleBinding({ namespace })],
  ]
  const out: string[] = []
  for (const [kind, list] of lists) {
    for (const item of (await list).items) {
      if (item.metadata?.ownerReferences?.some((r) => r.uid === uid)) out.push(`${kind}/${item.metadata.name ?? '?'}`)
    }
  }
  return out.sort()
}

describe('registry lifecycle (issue 8 scenarios 1, 3, 4, 8)', function () {
  let sys: E2ESystem
  let ns: string
  let name: string
  let sourceName: string
  let sourceKey: string
  let source: ToolHiveDocument
  let api: ApiHandle | undefined
  let lastGood: { hash: string; doc: ToolHiveDocument }

  before(async function () {
    sys = await getSystem({ plane: systemPlane })
    ns = await createTestNamespace('e2e-lifecycle')
    const objects = await sampleObjects()
    const registry = objects.find((o) => o.kind === 'MCPRegistry') as (KubernetesObject & { spec: { source: { configmap: { name: string; key?: string } } } }) | undefined
    if (!registry?.metadata?.name) throw new Error('config/samples holds no MCPRegistry')
    name = registry.metadata.name
    sourceName = registry.spec.source.configmap.name
    sourceKey = registry.spec.source.configmap.key ?? 'registry.json'
    // Samples are namespace-agnostic; place them (and the source reference) in this scenario's namespace.
    const placed = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }))
    await applyObjects(sys.kc, placed, { namespace: ns })
    const cm = placed.find((o) => o.kind === 'ConfigMap' && o.metadata.name === sourceName) as V1ConfigMap | undefined
    const raw = cm?.data?.[sourceKey]
    if (raw === undefined) throw new Error(`config/samples holds no ConfigMap ${sourceName} with key ${sourceKey}`)
    source = JSON.parse(raw) as ToolHiveDocument
  })

  after(async () => {
    await api?.stop()
  })

  it('makes the sample registry Ready and serves its data as ToolHive JSON, upstream JSON and /v0.1 with official _meta (scenario 1)', async function () {
    const expectedKeys = toolHiveKeys(source)
    const reg = await waitForRegistryReady(sys.kc, ns, name, { timeoutMs: 90_000 })
    expect(reg.status?.serverCount).to.equal(expectedKeys.length)
    for (const type of ['SourceAvailable', 'DataValid', 'SyncSuccessful', 'APIReady', 'Ready']) {
      expect(findCondition(reg.status?.conditions, type), type).to.include({ status: 'True', observedGeneration: reg.metadata.generation })
    }
    expect(reg.status?.apiEndpoint).to.equal(`http://${name}-api.${ns}.svc.cluster.local:80`)
    expect(reg.status?.storageRef?.configMapRef?.name).to.equal(`${name}-registry-storage`)
    expect(await ownedObjects(sys, ns, reg.metadata.uid ?? '')).to.include.members([
      `ConfigMap/${name}-registry-storage`, `Deployment/${name}-api`, `Service/${name}-api`, `ServiceAccount/${name}-registry-api`,
    ])
    const deployment = await sys.kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: ns, name: `${name}-api` })
    const container = deployment.spec?.template.spec?.containers[0]
    expect(deployment.spec?.template.spec?.serviceAccountName).to.equal(`${name}-registry-api`)
    expect(container?.securityContext).to.deep.include({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false })
    expect(container?.securityContext?.capabilities?.drop).to.deep.equal(['ALL'])

    api = await sys.startApi(ns, name)
    const doc = await eventually(async () => {
      const d = await getToolHiveDocument(api!.baseUrl)
      expect(toolHiveKeys(d)).to.deep.equal(expectedKeys)
      return d
    }, { timeoutMs: 30_000 })
    for (const key of Object.keys(source.servers)) expect(doc.servers[key], key).to.deep.equal(source.servers[key])
    for (const key of Object.keys(source.remote_servers ?? {})) expect(doc.remote_servers?.[key], key).to.deep.equal(source.remote_servers?.[key])

    const upstream = await getJson<{ servers: unknown[]; metadata: { count: number } }>(`${api.baseUrl}/api/v1/registry/servers?format=upstream`)
    expect(upstream.servers).to.have.length(expectedKeys.length)
    expect(upstream.metadata.count).to.equal(expectedKeys.length)

    for (const prefix of ['/v0.1', '/v0'] as const) {
      const items = await listAllUpstream(api.baseUrl, { prefix, limit: 30 })
      expect(items, prefix).to.have.length(expectedKeys.length)
      for (const item of items) {
        expect(item._meta[OfficialMetaKey], item.server.name).to.include.all.keys('status', 'publishedAt', 'updatedAt', 'isLatest')
      }
    }
    const info = await getJson<{ serverCount: number; hash: string }>(`${api.baseUrl}/api/v1/registry/info`)
    expect(info.serverCount).to.equal(expectedKeys.length)
    lastGood = { hash: info.hash, doc }
  })

  it('serves an edited source ConfigMap within 5 s with no request failing meanwhile (scenario 3)', async function () {
    if (!api) throw new Error('The API of scenario 1 is not running; see the first failure')
    const [key, entry] = Object.entries(source.servers)[0] ?? []
    if (key === undefined || entry === undefined) throw new Error('The source document has no servers')
    const edited: ToolHiveDocument = {
      ...source, servers: { ...source.servers, [key]: { ...entry, description: `Edited by e2e at ${Date.now()}` } },
    }
    const failures: string[] = []
    let polling = true
    const poller = (async () => {
      while (polling) {
        try {
          const res = await httpGet(`${api!.baseUrl}/v0.1/servers?limit=10`)
          if (res.status !== 200) failures.push(`/v0.1/servers answered ${res.status}`)
        } catch (err) {
          failures.push(`/v0.1/servers failed: ${(err as Error).message}`)
        }
      }
    })()
    const started = Date.now()
    await applySourceConfigMap(sys.kc, ns, sourceName, JSON.stringify(edited, null, 2), sourceKey)
    try {
      await eventually(async () => {
        const doc = await getToolHiveDocument(api!.baseUrl)
        expect(doc.servers[key]?.description).to.equal(edited.servers[key]?.description)
      }, { timeoutMs: 5_000, intervalMs: 50 })
    } finally {
      polling = false
      await poller
    }
    expect(Date.now() - started).to.be.at.most(5_000)
    expect(failures).to.deep.equal([])
    source = edited
    const info = await getJson<{ hash: string }>(`${api.baseUrl}/api/v1/registry/info`)
    expect(info.hash).to.not.equal(lastGood.hash)
    lastGood = { hash: info.hash, doc: await getToolHiveDocument(api.baseUrl) }
    await waitForRegistryReady(sys.kc, ns, name, { extra: (r) => expect(r.status?.lastSyncHash).to.be.a('string') })
  })

  it('keeps serving the last good data on invalid source data, explains it in status and emits a Warning Event (scenario 4)', async function () {
    if (!api) throw new Error('The API of scenario 1 is not running; see the first failure')
    const before = (await readRegistry(sys.kc, ns, name)) as RegistryObject
    await applySourceConfigMap(sys.kc, ns, sourceName, '{"version": "1.0.0", "servers": {"broken": ', sourceKey)
    const reg = await eventually(async () => {
      const r = (await readRegistry(sys.kc, ns, name)) as RegistryObject
      expect(findCondition(r.status?.conditions, 'DataValid'), JSON.stringify(r.status)).to.include({ status: 'False' })
      return r
    }, { timeoutMs: 20_000, intervalMs: 200 })
    const dataValid = findCondition(reg.status?.conditions, 'DataValid')
    expect(dataValid?.reason).to.be.a('string').and.not.equal('')
    expect(dataValid?.message).to.match(/offset|position|JSON|byte/i)
    expect(reg.status?.lastSyncHash).to.equal(before.status?.lastSyncHash)
    expect(reg.status?.serverCount).to.equal(before.status?.serverCount)
    await eventually(async () => {
      const events = await registryEvents(sys.kc, ns, name)
      expect(events.filter((e) => e.type === 'Warning').map((e) => e.reason)).to.not.be.empty
    }, { timeoutMs: 10_000, intervalMs: 200 })
    await consistently(async () => {
      const info = await getJson<{ hash: string }>(`${api!.baseUrl}/api/v1/registry/info`)
      expect(info.hash).to.equal(lastGood.hash)
    }, { timeoutMs: 2_000, intervalMs: 200 })
    expect(await getToolHiveDocument(api.baseUrl)).to.deep.equal(lastGood.doc)
  })

  it('removes every object it created and the API stops serving when the MCPRegistry is deleted (scenario 8)', async function () {
    if (!api) throw new Error('The API of scenario 1 is not running; see the first failure')
    const reg = (await readRegistry(sys.kc, ns, name)) as RegistryObject
    const owned = await ownedObjects(sys, ns, reg.metadata.uid ?? '')
    expect(owned).to.include.members([`ConfigMap/${name}-registry-storage`, `Deployment/${name}-api`, `Service/${name}-api`])
    await sys.kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
      group: TOOLHIVE_GROUP, version: TOOLHIVE_VERSION, namespace: ns, plural: 'mcpregistries', name,
    })
    await eventually(async () => {
      expect(await readRegistry(sys.kc, ns, name)).to.equal(undefined)
      expect(await ownedObjects(sys, ns, reg.metadata.uid ?? '')).to.deep.equal([])
    }, { timeoutMs: 60_000, intervalMs: 250 })
    await eventually(() => expect(api!.process.isRunning).to.equal(false), { timeoutMs: 15_000 })
    await expect(httpGet(`${api.baseUrl}/health`, {}, 2_000)).to.be.rejected
  })
})
