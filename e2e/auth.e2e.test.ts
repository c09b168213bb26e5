// Issue 16 through config/default: an MCPRegistry with authConfig (an OpenID provider over TLS, its CA from a
// ConfigMap) and claims on a source. The operator renders the settings into a ConfigMap mounted in the API
// Deployment (never env or args), the API (started as its pod would) refuses callers without a token and shows a
// caller only the sources its claims match; adding a provider changes the settings hash and rolls the pods.
import { AppsV1Api, type V1Deployment } from '@kubernetes/client-node'
import { createTestNamespace, systemPlane } from '@thv/control-plane'
import { expect } from 'chai'
import {
  applyObjects, applyRegistry, applySourceConfigMap, eventually, getSystem, listAllUpstream, loadToolHiveFixture, makeTestTls,
  startTestIdp, stopSystem, subsetOf, waitForRegistryReady, type E2ESystem, type TestIdp,
} from '@thv/testkit'

after(stopSystem)

const Audience = 'https://secured.registry.test/'
const HashAnnotation = 'toolhive.stacklok.dev/auth-config-hash'
const client = (id: string, claims: Record<string, unknown>) => ({ id, secret: `${id}-secret-of-at-least-thirty-two-characters`, claims })
const platformTeam = client('platform-bot', { groups: ['platform-team'] })
const outsider = client('outsider', { groups: ['devs'] })
const partnerBot = client('partner-bot', { groups: 'platform-team' })

describe('authentication of the registry API through config/default (issue 16)', function () {
  this.timeout(300_000)
  let sys: E2ESystem
  let corp: TestIdp | undefined
  let partner: TestIdp | undefined

  before(async () => {
    sys = await getSystem({ plane: systemPlane })
  })
  after(async () => {
    await corp?.close()
    await partner?.close()
  })

  it('mounts the auth settings, enforces tokens and claims, and rolls the pods when the provider list changes', async () => {
    const namespace = await createTestNamespace('e2e-auth')
    const tls = makeTestTls()
    corp = await startTestIdp(tls, [platformTeam, outsider], 'corp')
    partner = await startTestIdp(tls, [partnerBot], 'partner')
    const doc = loadToolHiveFixture()
    const keys = Object.keys({ ...doc.servers, ...doc.remote_servers }).sort()
    const internalKeys = new Set(keys.slice(0, 3))
    await applySourceConfigMap(sys.kc, namespace, 'internal-data', JSON.stringify(subsetOf(doc, (k) => internalKeys.has(k))))
    await applySourceConfigMap(sys.kc, namespace, 'public-data', JSON.stringify(subsetOf(doc, (k) => !internalKeys.has(k))))
    await applyObjects(sys.kc, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'idp-ca', namespace }, data: { 'ca.crt': tls.caPem } }] as never)
    const provider = (name: string, idp: TestIdp) => ({ name, issuerUrl: idp.issuer, audience: Audience, caCertRef: { name: 'idp-ca', key: 'ca.crt' } })
    const spec = (providers: unknown[]) => ({
      sources: [
        { name: 'internal', configMapRef: { name: 'internal-data', key: 'registry.json' }, claims: { groups: 'platform-team' } },
        { name: 'public', configMapRef: { name: 'public-data', key: 'registry.json' } },
      ],
      authConfig: { mode: 'oauth', oauth: { realm: 'secured', providers } },
    })
    await applyRegistry(sys.kc, namespace, 'secured', spec([provider('corp', corp)]))
    const reg = await waitForRegistryReady(sys.kc, namespace, 'secured', { timeoutMs: 120_000 })
    expect(reg.status?.conditions?.find((c) => c.type === 'ClaimsEnforced')).to.deep.include({ status: 'True', reason: 'ClaimsAuthorized' })

    const apps = sys.kc.makeApiClient(AppsV1Api)
    const deployment = (): Promise<V1Deployment> => apps.readNamespacedDeployment({ namespace, name: 'secured-api' })
    const first = await deployment()
    const container = first.spec?.template.spec?.containers[0]
    expect(container?.args?.slice(-2)).to.deep.equal(['--auth-config', '/etc/thv-registry/auth/auth.json'])
    expect(JSON.stringify(container?.env ?? [])).to.not.include(tls.caPem.slice(30, 60))
    expect(first.spec?.template.spec?.volumes?.find((v) => v.name === 'auth')?.projected?.sources?.map((s) => s.configMap?.name ?? s.secret?.name))
      .to.deep.equal(['secured-api-auth', 'idp-ca'])

    const api = await sys.startApi(namespace, 'secured')
    const list = async (token?: string) => {
      const res = await fetch(`${api.baseUrl}/v0.1/servers?limit=100`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
      return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() as { servers?: { server: { name: string } }[] } }
    }
    const anonymous = await list()
    expect([anonymous.status, anonymous.challenge]).to.deep.equal([401, `Bearer realm="secured", resource_metadata="http://secured-api.${namespace}.svc.cluster.local/.well-known/oauth-protected-resource"`])
    const all = await listAllUpstream(api.baseUrl, { headers: { authorization: `Bearer ${await corp.token(platformTeam, Audience)}` } })
    const limited = await list(await corp.token(outsider, Audience))
    expect(limited.status).to.equal(200)
    expect(all.length).to.be.greaterThan(limited.body.servers?.length ?? 0)
    expect((limited.body.servers?.length ?? 0)).to.be.greaterThan(0)
    expect((await list(await partner.token(partnerBot, Audience))).status).to.equal(401)

    // A second provider: the settings change, so does their hash in the pod template, and a new ReplicaSet rolls out.
    const hashBefore = first.spec?.template.metadata?.annotations?.[HashAnnotation]
    await applyRegistry(sys.kc, namespace, 'secured', spec([provider('corp', corp), provider('partner', partner)]))
    const rolled = await eventually(async () => {
      const d = await deployment()
      expect(d.spec?.template.metadata?.annotations?.[HashAnnotation]).to.match(/^[0-9a-f]{64}$/).and.not.equal(hashBefore)
      return d
    }, { timeoutMs: 60_000 })
    const hashAfter = rolled.spec?.template.metadata?.annotations?.[HashAnnotation]
    await eventually(async () => {
      const sets = await apps.listNamespacedReplicaSet({ namespace })
      const mine = sets.items.filter((r) => r.metadata?.ownerReferences?.some((o) => o.name === 'secured-api'))
      expect(mine.map((r) => r.spec?.template?.metadata?.annotations?.[HashAnnotation]).sort()).to.deep.equal([hashBefore, hashAfter].sort())
    }, { timeoutMs: 60_000 })

    // The new pod reads the new settings: the partner's tokens are accepted.
    await api.stop()
    const next = await sys.startApi(namespace, 'secured')
    const res = await fetch(`${next.baseUrl}/v0.1/servers?limit=100`, { headers: { authorization: `Bearer ${await partner.token(partnerBot, Audience)}` } })
    expect(res.status).to.equal(200)
    expect(((await res.json()) as { servers: unknown[] }).servers.length).to.equal(Math.min(100, all.length))
  })
})
