// Issue 14 through config/default: registries over a url source (headers from a Secret, CA from a ConfigMap), a git
// source (Basic auth from a Secret) and an api mirror of another registry's API, all Ready and served. The operator
// runs with its shipped RBAC (get on Secrets by name) as its ServiceAccount.
import { createTestNamespace, systemPlane } from '@thv/control-plane'
import { expect } from 'chai'
import { makeTestTls, startGitServer, startHttpsServer, type TestGitServer, type TestHttpsServer } from '@thv/testkit'
import { applyObjects, applyRegistry, getJson, getSystem, listAllUpstream, loadToolHiveFixture, stopSystem, waitForRegistryReady, type E2ESystem } from '@thv/testkit'

after(stopSystem)

describe('remote sources through config/default (issue 14)', function () {
  this.timeout(300_000)
  let sys: E2ESystem
  let web: TestHttpsServer | undefined
  let git: TestGitServer | undefined

  before(async () => {
    sys = await getSystem({ plane: systemPlane })
  })
  after(async () => {
    await web?.close()
    await git?.close()
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
})
