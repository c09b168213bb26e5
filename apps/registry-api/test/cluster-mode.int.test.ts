// Cluster mode against a real control plane: the API reads its registry's storage ConfigMaps with exactly the
// reader Role the operator grants, swaps snapshots atomically while clients keep reading, and keeps the last good
// snapshot when the storage disappears.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { eventually, notYet } from '@thv/testkit'
import { buildSnapshot } from '@thv/converters'
import { OfficialMetaKey, type MCPRegistry, type RegistrySnapshot } from '@thv/registry-model'
import { KubeHttp, loadKubeCredentials } from '@thv/kube-calls/http'
import { ConfigMapStorageManager, storageReaderPolicyRules } from '@thv/storage'
import { kubeHttpConfigMapReads, type ConfigMapReads } from '@thv/storage/reader'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { decodeStoredSnapshot } from '../src/formats.js'
import { watchStorageSnapshots } from '../src/snapshot/storage-snapshot.loader.js'
import { silentLog, startApi, type RunningApi } from './support/api-harness.js'
import { startApiProcess } from './support/api-process.js'
import { fixturePath } from './support/fixtures.js'
import { renderToolHiveForTests } from './support/toolhive.js'

const NAME = 'demo'

function snapshotFrom(raw: string, namespace: string, at: string): RegistrySnapshot {
  const built = buildSnapshot({
    raw, now: new Date(at),
    registry: { name: NAME, namespace, source: { type: 'configmap', ref: `${namespace}/registry-data#registry.json` } },
  })
  if (E.isLeft(built)) throw built.left
  return built.right
}

/** Creates the API's ServiceAccount bound to the reader Role and returns the path of a kubeconfig with its token. */
async function readerKubeconfig(admin: KubeConfig, namespace: string): Promise<string> {
  const core = admin.makeApiClient(CoreV1Api)
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api)
  const sa = `${NAME}-registry-api`
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: sa } } })
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name: sa }, rules: storageReaderPolicyRules(NAME) } })
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: sa },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
    },
  })
  return (await getTestControlPlane()).writeKubeconfigForServiceAccount(namespace, sa)
}

/** The ConfigMap calls of a kubeconfig file, loaded as the API loads it. */
function configMapReadsOf(kubeconfig: string): ConfigMapReads {
  const found = loadKubeCredentials({ kubeconfig })
  if (found.kind !== 'loaded') throw new Error(`reader kubeconfig: ${found.reason}`)
  return kubeHttpConfigMapReads(new KubeHttp(found.credentials))
}

/**
 * A copy of `kubeconfig` whose user gets its token from an exec credential plugin (a shell script printing an
 * ExecCredential), which only @kubernetes/client-node can run.
 */
function execPluginKubeconfig(kubeconfig: string): string {
  const doc = parseYaml(readFileSync(kubeconfig, 'utf8')) as { users: { user: Record<string, unknown> }[] }
  const user = doc.users[0] as { user: Record<string, unknown> }
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: user.user['token'] } }
  const dir = mkdtempSync(join(tmpdir(), 'thv-exec-kubeconfig-'))
  const plugin = join(dir, 'credential-plugin.sh')
  writeFileSync(plugin, `#!/bin/sh\nprintf '%s' '${JSON.stringify(credential)}'\n`, { mode: 0o700 })
  user.user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' } }
  const path = join(dir, 'kubeconfig')
  writeFileSync(path, stringifyYaml(doc), { mode: 0o600 })
  return path
}

for (const mode of ['streamed', 'whole'] as const) describe(`registry API in cluster mode, ${mode} read (real control plane, reader Role only)`, function () {
  this.timeout(120_000)
  let api: RunningApi
  let namespace: string
  let registry: MCPRegistry
  let storage: ConfigMapStorageManager
  let stop: AbortController
  let watching: Promise<void>

  beforeEach(async () => {
    const admin = (await getTestControlPlane()).kubeConfig()
    namespace = await createTestNamespace('registry-api')
    registry = (await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'toolhive.stacklok.dev', version: 'v1alpha1', plural: 'mcpregistries', namespace,
      body: {
        apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name: NAME, namespace },
        spec: { source: { type: 'configmap', configmap: { name: 'registry-data' } } },
      },
    })) as MCPRegistry
    storage = new ConfigMapStorageManager(admin.makeApiClient(CoreV1Api))
    api = await startApi(renderToolHiveForTests)
    stop = new AbortController()
    watching = watchStorageSnapshots({
      reads: configMapReadsOf(await readerKubeconfig(admin, namespace)), ref: { namespace, name: NAME }, store: api.store,
      read: mode === 'streamed' ? { mode } : { mode, decode: decodeStoredSnapshot }, log: silentLog, metrics: api.metrics, signal: stop.signal,
    })
  })

  afterEach(async () => {
    stop.abort()
    await watching
    await api.close()
  })

  it('serves the stored snapshot, then swaps to a new one while clients read: fully old or new, none failed, within 5 s', async () => {
    const raw = readFileSync(fixturePath('toolhive-upstream-registry-2025-12-11.json'), 'utf8')
    const first = snapshotFrom(raw, namespace, '2026-01-01T00:00:00Z')
    expect((await fetch(`${api.url}/readiness`)).status).to.equal(503)
    await storage.store(registry, first, AbortSignal.timeout(30_000))
    await eventually(async () => ((await fetch(`${api.url}/readiness`)).status === 200 ? true : notYet()),
      { description: 'the first snapshot served', timeoutMs: 20_000, intervalMs: 50 })

    const listUrl = `${api.url}/v0.1/servers?limit=100`
    const oldBody = await (await fetch(listUrl)).text()
    const changed = JSON.parse(raw) as { data: { servers: { description: string }[] } }
    for (const s of changed.data.servers) s.description = `${s.description.slice(0, 90)} (v2)`
    const second = snapshotFrom(JSON.stringify(changed), namespace, '2026-01-02T00:00:00Z')
    const seen: { status: number; body: string }[] = []
    const stored = Date.now()
    await storage.store(registry, second, AbortSignal.timeout(30_000))
    const newBody = await eventually(async () => {
      const res = await fetch(listUrl)
      const body = await res.text()
      seen.push({ status: res.status, body })
      return res.status === 200 && body !== oldBody ? body : notYet()
    }, { description: 'the new snapshot served', timeoutMs: 5_000, intervalMs: 10 })
    expect(Date.now() - stored).to.be.below(5_000)
    expect(seen.every((r) => r.status === 200 && (r.body === oldBody || r.body === newBody))).to.equal(true)
    const info = (await (await fetch(`${api.url}/api/v1/registry/info`)).json()) as { hash: string; namespace: string; source: unknown }
    expect(info).to.deep.include({ hash: second.hash, namespace, source: { type: 'configmap', ref: `${namespace}/registry-data#registry.json` } })
  })

  it('keeps serving the last snapshot when the storage is deleted', async () => {
    const snapshot = snapshotFrom(readFileSync(fixturePath('toolhive-registry.json'), 'utf8'), namespace, '2026-01-01T00:00:00Z')
    await storage.store(registry, snapshot, AbortSignal.timeout(30_000))
    await eventually(async () => ((await fetch(`${api.url}/readiness`)).status === 200 ? true : notYet()),
      { description: 'the snapshot served', timeoutMs: 20_000, intervalMs: 50 })
    const before = await (await fetch(`${api.url}/api/v1/registry/servers`)).text()
    await storage.delete(registry, AbortSignal.timeout(30_000))
    const core = (await getTestControlPlane()).kubeConfig().makeApiClient(CoreV1Api)
    await eventually(async () => ((await core.listNamespacedConfigMap({ namespace })).items.every((cm) => !cm.metadata?.name?.startsWith(NAME)) ? true : notYet()),
      { description: 'storage deleted', timeoutMs: 20_000, intervalMs: 50 })
    const res = await fetch(`${api.url}/api/v1/registry/servers`)
    expect([res.status, await res.text()]).to.deep.equal([200, before])
  })

  it('keeps serving the last snapshot when a stored one fails the snapshot codec, says so in its metrics, and serves the next good one', async () => {
    const raw = readFileSync(fixturePath('toolhive-registry.json'), 'utf8')
    const good = snapshotFrom(raw, namespace, '2026-01-01T00:00:00Z')
    await storage.store(registry, good, AbortSignal.timeout(30_000))
    await eventually(async () => ((await fetch(`${api.url}/readiness`)).status === 200 ? true : notYet()),
      { description: 'the snapshot served', timeoutMs: 20_000, intervalMs: 50 })
    const before = await (await fetch(`${api.url}/api/v1/registry/servers`)).text()
    const invalidCount = async (): Promise<number> => (await api.metrics.snapshotLoadErrors.get()).values.find((v) => v.labels['reason'] === 'invalid')?.value ?? 0
    expect(await invalidCount()).to.equal(0)
    // Stored bytes the writer hashed, so only the codec can refuse them: the last server has an unknown status.
    const servers = good.servers.map((s, i) => (i === good.servers.length - 1 ? { ...s, _meta: { [OfficialMetaKey]: { ...s._meta[OfficialMetaKey], status: 'bogus' } } } : s)) as unknown as RegistrySnapshot['servers']
    await storage.store(registry, { ...good, servers, hash: 'c'.repeat(64) }, AbortSignal.timeout(30_000))
    await eventually(async () => ((await invalidCount()) === 1 ? true : notYet(JSON.stringify((await api.metrics.snapshotLoadErrors.get()).values))), { description: 'the invalid snapshot counted', timeoutMs: 20_000, intervalMs: 50 })
    const res = await fetch(`${api.url}/api/v1/registry/servers`)
    expect([res.status, await res.text()]).to.deep.equal([200, before])
    const next = snapshotFrom(raw, namespace, '2026-01-03T00:00:00Z')
    const renamed = { ...next, registry: { ...next.registry, displayName: 'Next' }, hash: 'd'.repeat(64) }
    await storage.store(registry, renamed, AbortSignal.timeout(30_000))
    await eventually(async () => (((await (await fetch(`${api.url}/api/v1/registry/info`)).json()) as { hash: string }).hash === renamed.hash ? true : notYet()),
      { description: 'the next good snapshot served', timeoutMs: 20_000, intervalMs: 50 })
    expect(await invalidCount()).to.equal(1)
  })
})

describe('thv-registry-api process in cluster mode (real control plane, reader Role only)', function () {
  this.timeout(120_000)

  it('reads its storage over plain HTTPS with a token kubeconfig, and through client-node with an exec-plugin kubeconfig', async () => {
    const admin = (await getTestControlPlane()).kubeConfig()
    const namespace = await createTestNamespace('registry-api-process')
    const registry = (await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'toolhive.stacklok.dev', version: 'v1alpha1', plural: 'mcpregistries', namespace,
      body: {
        apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name: NAME, namespace },
        spec: { source: { type: 'configmap', configmap: { name: 'registry-data' } } },
      },
    })) as MCPRegistry
    const snapshot = snapshotFrom(readFileSync(fixturePath('toolhive-registry.json'), 'utf8'), namespace, '2026-01-01T00:00:00Z')
    await new ConfigMapStorageManager(admin.makeApiClient(CoreV1Api)).store(registry, snapshot, AbortSignal.timeout(30_000))
    const tokenKubeconfig = await readerKubeconfig(admin, namespace)
    const token = (parseYaml(readFileSync(tokenKubeconfig, 'utf8')) as { users: { user: { token: string } }[] }).users[0]?.user.token as string
    // Neither the environment's kubeconfig nor an in-cluster ServiceAccount may be picked up instead.
    const env = { ...process.env, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '', LOG_LEVEL: 'info' }
    for (const [kubeconfig, client] of [[tokenKubeconfig, 'https'], [execPluginKubeconfig(tokenKubeconfig), 'client-node']] as const) {
      const api = await startApiProcess(['--registry', `${namespace}/${NAME}`, '--kubeconfig', kubeconfig], env)
      try {
        await api.ready(30_000)
        const info = (await (await fetch(`${api.url}/api/v1/registry/info`)).json()) as { hash: string }
        expect(info.hash).to.equal(snapshot.hash)
        const reading = api.logLines.find((l) => l['message'] === 'Reading the storage ConfigMaps' || l['message'] === 'Reading the storage ConfigMaps with @kubernetes/client-node')
        expect(reading?.['client'], kubeconfig).to.equal(client)
        expect(reading?.['credentials']).to.equal(kubeconfig)
        expect(JSON.stringify(api.logLines)).not.to.contain(token)
      } finally {
        await api.stop()
      }
    }
  })
})
