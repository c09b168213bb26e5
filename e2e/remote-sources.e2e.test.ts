// Issue 14 through config/default: registries over a url source (headers from a Secret, CA from a ConfigMap), a git
// source (Basic auth from a Secret) and an api mirror of another registry's API, all Ready and served; and one registry
// mixing a ConfigMap, a url, a git and an api source in spec.sources with two views. The operator runs with its
// shipped RBAC (get on Secrets by name) as its ServiceAccount.
import { createTestNamespace, systemPlane } from '@thv/control-plane'
import { expect } from 'chai'
import { makeTestTls, startGitServer, startHttpsServer, type TestGitServer, type TestHttpsServer } from '@thv/testkit'
import {
  applyObjects, applyRegistry, applySourceConfigMap, eventually, getJson, getSystem, listAllUpstream, loadToolHiveFixture, readRegistry, stopSystem, subsetOf,
  waitForRegistryReady, type E2ESystem, type ToolHiveDocument,
} from '@thv/testkit'

after(stopSystem)

describe('remote sources through config/default (issue 14)', function () {
  this.timeout(300_000)
  let sys: E2ESystem
  let web: TestHttpsServer | undefined
  let git: TestGitServer | undefined
  let mixedWeb: TestHttpsServer | undefined
  let mixedGit: TestGitServer | undefined

  before(async () => {
    sys = await getSystem({ plane: systemPlane })
  })
  after(async () => {
    await web?.close()
    await git?.close()
    await mixedWeb?.close()
    await mixedGit?.close()
  })

  it('serves a url, a git and an api source, each Ready, credentials from Secrets', async () => {
    const namespace = await createTestNamespace('e2e-remote')
    const tls = makeTestTls()
    const data = JSON.stringify(loadToolHiveFixture())
    web = await startHttpsServer(tls, (req, res) => {
      if (req.headers.authorization !== 'Bearer e2e-token') return void res.writeHead(401).end()
      res.writeHead(200, { etag: '"1"' }).end(data)
    })
    git = await startGitServer(tls, { name: 'bot', password: 'git-pass' })
    git.commit({ 'catalogue/registry.json': data }, 'registry')
    await applyObjects(sys.kc, [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace }, data: { 'ca.crt': tls.caPem } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-headers', namespace }, stringData: { Authorization: 'Bearer e2e-token' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git-token', namespace }, stringData: { token: 'git-pass' } },
    ] as never)
    const caCertRef = { name: 'ca', key: 'ca.crt' }
    await applyRegistry(sys.kc, namespace, 'web', { source: { type: 'url', url: { endpoint: `${web.origin}/registry.json`, caCertRef, headersSecretRef: { name: 'web-headers' } } } })
    await applyRegistry(sys.kc, namespace, 'repo', {
      source: { type: 'git', format: 'toolhive', git: { repository: git.url, branch: 'main', path: 'catalogue/registry.json', caCertRef, auth: { username: 'bot', passwordSecretRef: { name: 'git-token', key: 'token' } } } },
    })
    const webReg = await waitForRegistryReady(sys.kc, namespace, 'web', { timeoutMs: 90_000 })
    const repoReg = await waitForRegistryReady(sys.kc, namespace, 'repo', { timeoutMs: 90_000 })
    expect(webReg.status?.serverCount).to.be.greaterThan(0)
    expect(repoReg.status?.serverCount).to.equal(webReg.status?.serverCount)
    const webApi = await sys.startApi(namespace, 'web')
    const upstream = await listAllUpstream(webApi.baseUrl)
    expect(upstream.length).to.equal(webReg.status?.serverCount)

    // The api mirror's upstream is the url registry's own API process.
    await applyRegistry(sys.kc, namespace, 'mirror', { source: { type: 'api', api: { endpoint: `${webApi.baseUrl}/` } } })
    const mirrorReg = await waitForRegistryReady(sys.kc, namespace, 'mirror', { timeoutMs: 90_000 })
    expect(mirrorReg.status?.serverCount).to.equal(upstream.length)
    const mirrorApi = await sys.startApi(namespace, 'mirror')
    const mirrored = await listAllUpstream(mirrorApi.baseUrl)
    expect(mirrored.map((s) => `${s.server.name}@${s.server.version}`)).to.deep.equal(upstream.map((s) => `${s.server.name}@${s.server.version}`))
    const info = await getJson<{ serverCount: number }>(`${mirrorApi.baseUrl}/api/v1/registry/info`)
    expect(info.serverCount).to.equal(upstream.length)
  })
  it('serves one registry of a ConfigMap, a url, a git and an api source through two views, every source Ready in status.sources', async () => {
    const namespace = await createTestNamespace('e2e-mixed')
    const tls = makeTestTls()
    const fixture = loadToolHiveFixture()
    const keys = Object.keys(fixture.servers)
    /** ToolHive keys `from`..`to` of the fixture as a document of its own. */
    const part = (from: number, to: number): ToolHiveDocument => subsetOf(fixture, (k) => keys.slice(from, to).includes(k))
    const docs = { cm: part(0, 5), web: part(5, 10), repo: part(10, 15), mirror: part(15, 20) }
    const names = (...doc: ToolHiveDocument[]) => doc.flatMap((d) => Object.keys(d.servers).map((k) => `io.github.stacklok/${k}`)).sort()

    mixedWeb = await startHttpsServer(tls, (_req, res) => void res.writeHead(200, { etag: '"w1"' }).end(JSON.stringify(docs.web)))
    mixedGit = await startGitServer(tls, { name: 'bot', password: 'git-pass' })
    const commit = mixedGit.commit({ 'registry.json': JSON.stringify(docs.repo) }, 'registry')
    // The api source mirrors another registry's API process (a ConfigMap registry of this namespace).
    await applySourceConfigMap(sys.kc, namespace, 'upstream-data', JSON.stringify(docs.mirror))
    await applyRegistry(sys.kc, namespace, 'upstream', { source: { type: 'configmap', configmap: { name: 'upstream-data' } } })
    await waitForRegistryReady(sys.kc, namespace, 'upstream', { timeoutMs: 90_000 })
    const upstreamApi = await sys.startApi(namespace, 'upstream')
    await applySourceConfigMap(sys.kc, namespace, 'platform', JSON.stringify(docs.cm))
    await applyObjects(sys.kc, [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace }, data: { 'ca.crt': tls.caPem } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git-token', namespace }, stringData: { token: 'git-pass' } },
    ] as never)
    const caCertRef = { name: 'ca', key: 'ca.crt' }
    await applyRegistry(sys.kc, namespace, 'mixed', {
      sources: [
        { name: 'platform', configMapRef: { name: 'platform', key: 'registry.json' } },
        { name: 'web', url: { endpoint: `${mixedWeb.origin}/registry.json`, caCertRef } },
        { name: 'repo', format: 'toolhive', git: { repository: mixedGit.url, branch: 'main', path: 'registry.json', caCertRef, auth: { username: 'bot', passwordSecretRef: { name: 'git-token', key: 'token' } } } },
        { name: 'mirror', api: { endpoint: `${upstreamApi.baseUrl}/` } },
      ],
      registries: [{ name: 'all', sources: ['platform', 'web', 'repo', 'mirror'] }, { name: 'internal', sources: ['platform', 'repo'] }],
    })
    const ready = await eventually(async () => {
      const r = await readRegistry(sys.kc, namespace, 'mixed')
      expect([r?.status?.phase, r?.status?.sourcesReady]).to.deep.equal(['Ready', '4/4'])
      return r
    }, { timeoutMs: 120_000 })
    const sources = ready?.status?.sources ?? []
    expect(sources.map((s) => [s.name, s.kind, s.phase, s.serverCount, s.syncAttempts])).to.deep.equal([
      ['platform', 'configMapRef', 'Ready', 5, 0], ['web', 'url', 'Ready', 5, 0], ['repo', 'git', 'Ready', 5, 0], ['mirror', 'api', 'Ready', 5, 0],
    ])
    const newest = (await listAllUpstream(upstreamApi.baseUrl)).map((s) => (s._meta['io.modelcontextprotocol.registry/official'] as { updatedAt: string }).updatedAt).sort().at(-1)
    expect(sources.map((s) => s.revision)).to.deep.equal([undefined, '"w1"', commit, newest])
    for (const s of sources) expect([s.lastSyncTime, s.lastSyncHash, s.message].every((v) => v !== undefined), s.name).to.equal(true)

    const api = await sys.startApi(namespace, 'mixed')
    const served = async (view: string) => [...new Set((await listAllUpstream(`${api.baseUrl}/registry/${view}`)).map((s) => s.server.name))].sort()
    expect(await served('all')).to.deep.equal(names(docs.cm, docs.web, docs.repo, docs.mirror))
    expect(await served('internal')).to.deep.equal(names(docs.cm, docs.repo))
  })
})
