// url, git and api entries of spec.sources[] inside the multi-source layer, against the real control plane and real
// servers on 127.0.0.1: an HTTPS server with a CA made in the test, git http-backend behind the CGI bridge, and our
// own registry API process as the mirror's upstream. Each source keeps its own state (ETag, commit, mirror) and
// revision; an unchanged remote source stores nothing and leaves the other sources alone; a failing or refused
// remote source keeps its last good servers and backs off alone; spec and schedule changes re-sync it.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import type { KubeClient } from '@thv/k8s-reconcile'
import { OfficialMetaKey, type MCPRegistry } from '@thv/registry-model'
import { sourceStorageConfigMapName, storageConfigMapName } from '@thv/storage'
import {
  consistently, eventually, freePort, listAllUpstream, makeTestTls, startApiForRegistry, startGitServer, startHttpsServer, type ApiHandle,
  type TestGitServer, type TestHttpsServer, type TestTls,
} from '@thv/testkit'
import { expect } from 'chai'
import {
  createRegistry, patchRegistry, putConfigMap, startOperator, testClients, toolHiveFixture, type RunningOperator,
  type TestClients, type ToolHiveDoc, requireRegistry, sourceStatusOf,
} from './operator-harness.js'

/** ToolHive keys `from`..`to` of the fixture as a registry document. */
function slice(from: number, to: number): ToolHiveDoc {
  const doc = toolHiveFixture()
  return { ...doc, servers: Object.fromEntries(Object.entries(doc.servers).slice(from, to)), remote_servers: {} }
}

describe('MCPRegistry with url, git and api entries in spec.sources (real servers on 127.0.0.1)', function () {
  this.timeout(300_000)
  let clients: TestClients
  let client: KubeClient
  let running: RunningOperator
  let tls: TestTls
  let web: TestHttpsServer
  let git: TestGitServer
  let upstream: ApiHandle
  let ns: string
  /** Body and ETag per path of the HTTPS server; `seen` records each request's path, If-None-Match and status. */
  const files = new Map<string, { body: string; etag: string; status?: number; hold?: boolean }>()
  /** Requests to a held file wait here until the test answers them. */
  const held: Array<(file: { body: string; etag: string }) => void> = []
  const seen: Array<{ path: string; ifNoneMatch: string | undefined; status: number }> = []
  const logDir = mkdtempSync(join(tmpdir(), 'thv-remote-multi-'))
  const docs = { cm: slice(0, 4), web: slice(4, 8), web2: slice(8, 10), git: slice(10, 14), api: slice(14, 18) }

  const registry = (name: string): Promise<MCPRegistry> => requireRegistry(client, ns, name)
  const source = sourceStatusOf
  const slotVersion = async (name: string): Promise<string | undefined> =>
    (await clients.core.readNamespacedConfigMap({ namespace: ns, name: sourceStorageConfigMapName('mixed', name) })).metadata?.resourceVersion
  const servedVersion = async (): Promise<string | undefined> =>
    (await clients.core.readNamespacedConfigMap({ namespace: ns, name: storageConfigMapName('mixed') })).metadata?.resourceVersion
  const gitSource = (path: string) => ({
    repository: git.url, branch: 'main', path, caCertRef: { name: 'ca', key: 'ca.crt' },
    auth: { username: 'bot', passwordSecretRef: { name: 'git-token', key: 'token' } },
  })
  const sources = (overrides: { web?: Record<string, unknown>; gitPath?: string; webInterval?: string } = {}) => [
    { name: 'cm', configMapRef: { name: 'cm-data', key: 'registry.json' } },
    {
      name: 'web', url: { endpoint: `${web.origin}/registry.json`, caCertRef: { name: 'ca', key: 'ca.crt' }, ...overrides.web },
      syncPolicy: { interval: overrides.webInterval ?? '1s', retryPolicy: { backoffInterval: '1s', backoffMultiplier: '1', maxAttempts: 100 } },
    },
    { name: 'web2', url: { endpoint: `${web.origin}/second.json`, caCertRef: { name: 'ca', key: 'ca.crt' } }, syncPolicy: { interval: '1s' } },
    { name: 'repo', git: gitSource(overrides.gitPath ?? 'catalogue/registry.json'), syncPolicy: { interval: '1s' } },
    { name: 'mirror', api: { endpoint: `${upstream.baseUrl}/` }, syncPolicy: { interval: '1s' } },
  ]

  before(async () => {
    const crdNs = await createTestNamespace('rms-crd')
    clients = await testClients(crdNs)
    client = clients.client
    running = await startOperator({ remoteSources: { allowLoopback: true, allowInsecure: true, allowedHosts: ['127.0.0.1', 'localhost', '169.254.169.254'] } })
    tls = makeTestTls()
    files.set('/registry.json', { body: JSON.stringify(docs.web), etag: '"web-1"' })
    files.set('/second.json', { body: JSON.stringify(docs.web2), etag: '"second-1"' })
    web = await startHttpsServer(tls, (req, res) => {
      const file = files.get(req.url ?? '')
      if (file === undefined) return void res.writeHead(404).end()
      if (file.hold === true) {
        held.push((answer) => void res.writeHead(200, { etag: answer.etag }).end(answer.body))
        return
      }
      const status = file.status ?? (req.headers['if-none-match'] === file.etag ? 304 : 200)
      seen.push({ path: req.url ?? '', ifNoneMatch: req.headers['if-none-match'], status })
      res.writeHead(status, { etag: file.etag }).end(status === 304 ? undefined : file.body)
    })
    git = await startGitServer(tls, { name: 'bot', password: 'git-pass' })
    git.commit({ 'catalogue/registry.json': JSON.stringify(docs.git), 'catalogue/other.json': JSON.stringify(slice(18, 20)) }, 'registry')

    ns = await createTestNamespace('rms')
    // The mirror's upstream: a Part I registry of this namespace served by our own API process.
    await putConfigMap(client, ns, 'upstream-data', { 'registry.json': JSON.stringify(docs.api) })
    await createRegistry(client, ns, 'upstream', { source: { type: 'configmap', configmap: { name: 'upstream-data' } } })
    await eventually(async () => expect((await registry('upstream')).status?.phase).to.equal('Ready'), { timeoutMs: 60_000 })
    const plane = await getTestControlPlane()
    upstream = await startApiForRegistry({
      kc: plane.kubeConfig(), namespace: ns, registryName: 'upstream', logDir,
      writeServiceAccountKubeconfig: (n, sa) => plane.writeKubeconfigForServiceAccount(n, sa),
    })
    await putConfigMap(client, ns, 'cm-data', { 'registry.json': JSON.stringify(docs.cm) })
    await putConfigMap(client, ns, 'ca', { 'ca.crt': tls.caPem })
    await clients.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'git-token' }, stringData: { token: 'git-pass' } } })
  })
  after(async () => {
    await upstream?.stop()
    await running?.stop()
    await web?.close()
    await git?.close()
  })

  it('syncs a ConfigMap, two url, a git and an api source into one registry, each with its own revision', async () => {
    await createRegistry(client, ns, 'mixed', { sources: sources() })
    const ready = await eventually(async () => {
      const r = await registry('mixed')
      expect([r.status?.phase, r.status?.sourcesReady]).to.deep.equal(['Ready', '5/5'])
      return r
    }, { timeoutMs: 90_000 })
    const count = (d: ToolHiveDoc) => Object.keys(d.servers).length
    expect(ready.status?.sources?.map((s) => [s.name, s.kind, s.phase, s.serverCount])).to.deep.equal([
      ['cm', 'configMapRef', 'Ready', count(docs.cm)], ['web', 'url', 'Ready', count(docs.web)], ['web2', 'url', 'Ready', count(docs.web2)],
      ['repo', 'git', 'Ready', count(docs.git)], ['mirror', 'api', 'Ready', count(docs.api)],
    ])
    expect(ready.status?.serverCount).to.equal(Object.values(docs).reduce((n, d) => n + count(d), 0))
    const newestUpdatedAt = (await listAllUpstream(upstream.baseUrl))
      .map((s) => (s._meta[OfficialMetaKey] as { updatedAt: string }).updatedAt).sort().at(-1)
    expect(['web', 'web2', 'repo', 'mirror'].map((n) => source(ready, n).revision)).to.deep.equal([
      '"web-1"', '"second-1"', git.git('rev-parse', 'HEAD'), newestUpdatedAt,
    ])
    expect(source(ready, 'repo').message).to.include(git.url).and.not.include('git-pass')
  })

  it('checks unchanged remote sources on their interval without storing anything, each with its own validators', async () => {
    const before = await registry('mixed')
    const slots = { cm: await slotVersion('cm'), web: await slotVersion('web'), repo: await slotVersion('repo'), mirror: await slotVersion('mirror') }
    const served = await servedVersion()
    const from = seen.length
    const gitFrom = git.requests.length
    // Several interval checks of every remote source: each url source sends its own ETag and gets 304.
    await eventually(async () => {
      const recent = seen.slice(from)
      expect(recent.filter((s) => s.path === '/registry.json' && s.ifNoneMatch === '"web-1"' && s.status === 304).length).to.be.greaterThan(2)
      expect(recent.filter((s) => s.path === '/second.json' && s.ifNoneMatch === '"second-1"' && s.status === 304).length).to.be.greaterThan(2)
      const r = await registry('mixed')
      for (const name of ['web', 'repo', 'mirror']) expect(source(r, name).lastSyncTime).to.not.equal(source(before, name).lastSyncTime)
    }, { timeoutMs: 30_000 })
    expect(seen.slice(from).every((s) => s.status === 304)).to.equal(true)
    // git: only ref listings (GET info/refs then one POST), never a pack fetch (a second POST in a row).
    const paths = git.requests.slice(gitFrom).map((q) => q.path)
    expect(paths.some((p, i) => p.endsWith('git-upload-pack') && paths[i - 1]?.endsWith('git-upload-pack'))).to.equal(false)
    const after = await registry('mixed')
    expect(after.status?.sources?.map((s) => [s.name, s.lastSyncHash, s.revision, s.phase])).to.deep.equal(before.status?.sources?.map((s) => [s.name, s.lastSyncHash, s.revision, s.phase]))
    // The ConfigMap source was not attempted; no source slot and not the served snapshot was written.
    expect(source(after, 'cm').lastAttemptTime).to.equal(source(before, 'cm').lastAttemptTime)
    expect({ cm: await slotVersion('cm'), web: await slotVersion('web'), repo: await slotVersion('repo'), mirror: await slotVersion('mirror') }).to.deep.equal(slots)
    expect(await servedVersion()).to.equal(served)
  })

  it('picks up a new commit and a new upstream server in their own sources only', async () => {
    const before = await registry('mixed')
    const slots = { cm: await slotVersion('cm'), web: await slotVersion('web'), web2: await slotVersion('web2') }
    const commit = git.commit({ 'catalogue/registry.json': JSON.stringify(slice(10, 12)) }, 'smaller')
    // A publisher moves last_updated with a change: the mirror asks for updated_since the newest it saw.
    await putConfigMap(client, ns, 'upstream-data', { 'registry.json': JSON.stringify({ ...slice(14, 19), last_updated: '2026-12-01T00:00:00Z' }) })
    const r = await eventually(async () => {
      const got = await registry('mixed')
      expect([source(got, 'repo').revision, source(got, 'repo').serverCount, source(got, 'mirror').serverCount]).to.deep.equal([commit, 2, 5])
      return got
    }, { timeoutMs: 60_000 })
    expect(source(r, 'mirror').revision).to.not.equal(source(before, 'mirror').revision)
    expect({ cm: await slotVersion('cm'), web: await slotVersion('web'), web2: await slotVersion('web2') }).to.deep.equal(slots)
  })

  it('keeps serving a failing url source\'s last good servers, backs it off alone, refuses the metadata address, and re-syncs on a spec change', async () => {
    const before = await registry('mixed')
    const total = before.status?.serverCount
    // The url source's server now answers 500: the others keep syncing, web keeps its servers and retries alone.
    files.set('/registry.json', { body: 'broken', etag: '"web-broken"', status: 500 })
    const failing = await eventually(async () => {
      const r = await registry('mixed')
      expect([source(r, 'web').phase, (source(r, 'web').syncAttempts ?? 0) > 1]).to.deep.equal(['Failed', true])
      return r
    }, { timeoutMs: 30_000 })
    expect(source(failing, 'web').serverCount).to.equal(Object.keys(docs.web.servers).length)
    expect(source(failing, 'web').message).to.include('its last good 4 servers are still served')
    expect(failing.status?.serverCount).to.equal(total)
    expect(failing.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True')
    await consistently(async () => {
      const r = await registry('mixed')
      for (const name of ['web2', 'repo', 'mirror']) expect([source(r, name).phase, source(r, name).syncAttempts]).to.deep.equal(['Ready', 0])
    }, { timeoutMs: 2_000 })

    // A spec change of the url entry re-syncs it at once: a port nothing listens on is SourceUnreachable.
    const closed = await freePort()
    await patchRegistry(client, ns, 'mixed', { spec: { sources: sources({ web: { endpoint: `https://127.0.0.1:${closed}/registry.json` } }) } })
    const unreachable = await eventually(async () => {
      const r = await registry('mixed')
      expect([source(r, 'web').reason, source(r, 'web').phase]).to.deep.equal(['SourceUnreachable', 'Failed'])
      return r
    }, { timeoutMs: 30_000 })
    expect(source(unreachable, 'web').message).to.include(`127.0.0.1:${closed}`).and.include('its last good 4 servers are still served')
    expect(unreachable.status?.serverCount).to.equal(total)

    // The metadata address is refused by the egress policy without a connection.
    await patchRegistry(client, ns, 'mixed', { spec: { sources: sources({ web: { endpoint: 'https://169.254.169.254/latest/meta-data/registry.json' } }) } })
    const refused = await eventually(async () => {
      const r = await registry('mixed')
      expect(source(r, 'web').message).to.include('169.254.169.254')
      return r
    }, { timeoutMs: 30_000 })
    expect(source(refused, 'web').message).to.include('rule link-local')
    expect(refused.status?.conditions?.find((c) => c.type === 'SourceAvailable')?.message).to.include('web (SourceRefusedByPolicy)')
    expect(refused.status?.serverCount).to.equal(total)

    // Back to the (repaired) server: it recovers.
    files.set('/registry.json', { body: JSON.stringify(slice(4, 6)), etag: '"web-2"' })
    await patchRegistry(client, ns, 'mixed', { spec: { sources: sources() } })
    await eventually(async () => {
      const r = await registry('mixed')
      expect([source(r, 'web').phase, source(r, 'web').revision, source(r, 'web').serverCount, source(r, 'web').syncAttempts]).to.deep.equal(['Ready', '"web-2"', 2, 0])
    }, { timeoutMs: 30_000 })
  })

  it('re-syncs a remote source when its path or its interval changes', async () => {
    const before = await registry('mixed')
    await patchRegistry(client, ns, 'mixed', { spec: { sources: sources({ gitPath: 'catalogue/other.json' }) } })
    await eventually(async () => expect(source(await registry('mixed'), 'repo').serverCount).to.equal(2), { timeoutMs: 30_000 })
    expect(source(await registry('mixed'), 'cm').lastAttemptTime).to.equal(source(before, 'cm').lastAttemptTime)

    // A long interval, then a short one: the short one applies at once, not after the long one ran out.
    await patchRegistry(client, ns, 'mixed', { spec: { sources: sources({ gitPath: 'catalogue/other.json', webInterval: '1h' }) } })
    const slow = await eventually(async () => {
      const r = await registry('mixed')
      const s = source(r, 'web')
      expect(Date.parse(s.nextSyncTime ?? '') - Date.parse(s.lastAttemptTime ?? '')).to.equal(3_600_000)
      return r
    }, { timeoutMs: 30_000 })
    const from = seen.length
    await patchRegistry(client, ns, 'mixed', { spec: { sources: sources({ gitPath: 'catalogue/other.json', webInterval: '2s' }) } })
    await eventually(async () => {
      expect(seen.slice(from).filter((s) => s.path === '/registry.json').length).to.be.greaterThan(1)
      const s = source(await registry('mixed'), 'web')
      expect(Date.parse(s.nextSyncTime ?? '') - Date.parse(s.lastAttemptTime ?? '')).to.equal(2_000)
    }, { timeoutMs: 30_000 })
    expect(source(slow, 'web').lastSyncHash).to.equal(source(await registry('mixed'), 'web').lastSyncHash)
  })

  it('serves a ConfigMap edit while a slow url source of the same registry is still fetching, and the slow one when it answers', async () => {
    files.set('/slow.json', { body: JSON.stringify(slice(20, 22)), etag: '"slow-1"' })
    await putConfigMap(client, ns, 'quick-data', { 'registry.json': JSON.stringify(slice(0, 2)) })
    await createRegistry(client, ns, 'patient', {
      sources: [
        { name: 'quick', configMapRef: { name: 'quick-data', key: 'registry.json' } },
        { name: 'slow', url: { endpoint: `${web.origin}/slow.json`, caCertRef: { name: 'ca', key: 'ca.crt' }, timeout: '2m' }, syncPolicy: { interval: '1s' } },
      ],
    })
    await eventually(async () => expect((await registry('patient')).status?.serverCount).to.equal(4), { timeoutMs: 60_000 })

    // The next check of the slow source hangs until the test answers it; meanwhile the ConfigMap source moves on.
    files.set('/slow.json', { body: '', etag: '', hold: true })
    await eventually(async () => expect(held.length).to.be.greaterThan(0), { timeoutMs: 30_000, intervalMs: 50 })
    await putConfigMap(client, ns, 'quick-data', { 'registry.json': JSON.stringify(slice(0, 3)) })
    const moved = await eventually(async () => {
      const r = await registry('patient')
      expect([source(r, 'quick').serverCount, r.status?.serverCount]).to.deep.equal([3, 5])
      return r
    }, { timeoutMs: 30_000, intervalMs: 100 })
    expect(held.length, 'the slow request is still unanswered').to.be.greaterThan(0)
    expect(source(moved, 'slow').serverCount).to.equal(2)

    // The slow source answers with new data: applied by a later round.
    const answer = { body: JSON.stringify(slice(20, 23)), etag: '"slow-2"' }
    files.set('/slow.json', answer)
    for (const respond of held.splice(0)) respond(answer)
    await eventually(async () => {
      const r = await registry('patient')
      expect([source(r, 'slow').serverCount, source(r, 'slow').revision, r.status?.serverCount]).to.deep.equal([3, '"slow-2"', 6])
    }, { timeoutMs: 30_000, intervalMs: 100 })
  })
})
