// spec.authConfig on the real control plane (issue 16): the operator renders the API's auth settings into an owned
// ConfigMap mounted into the Deployment (CA and Secret keys as files, nothing in env or args), a settings change moves
// the pod template's hash, removing authConfig removes the ConfigMap and the mount, and ClaimsEnforced says whether
// claims do anything (False/AnonymousMode without oauth).
import { expect } from 'chai'
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node'
import { createTestNamespace } from '@thv/control-plane'
import { eventually } from '@thv/testkit'
import { ConfigMapKind, DeploymentKind, httpStatusOf, type KubeClient } from '@thv/k8s-reconcile'
import { createRegistry, patchRegistry, putConfigMap, readRegistry, smallRegistry, startOperator, testClients, type RunningOperator } from './operator-harness.js'

const HashAnnotation = 'toolhive.stacklok.dev/auth-config-hash'
const provider = (name: string) => ({ name, issuerUrl: `https://${name}.idp.test/`, audience: 'registry', caCertRef: { name: 'idp-ca', key: 'ca.crt' } })

describe('MCPRegistry operator: authConfig (issue 16)', function () {
  this.timeout(300_000)
  let client: KubeClient
  let running: RunningOperator | undefined

  before(async () => {
    client = (await testClients(await createTestNamespace('auth-crd'))).client
    running = await startOperator({ image: 'example.com/thv-registry-api:1' })
  })
  after(async () => {
    await running?.stop()
  })

  const claimsEnforced = async (ns: string) => (await readRegistry(client, ns, 'r'))?.status?.conditions?.find((c) => c.type === 'ClaimsEnforced')
  const deployment = (ns: string) => client.get<V1Deployment>(DeploymentKind, ns, 'r-api')
  const settingsMap = async (ns: string): Promise<V1ConfigMap | undefined> => {
    try {
      return await client.get<V1ConfigMap>(ConfigMapKind, ns, 'r-api-auth')
    } catch (err) {
      if (httpStatusOf(err) === 404) return undefined
      throw err
    }
  }

  it('says claims do nothing in anonymous mode, then renders, mounts and rolls the settings once oauth is on, and removes them with authConfig', async () => {
    const ns = await createTestNamespace('auth-config')
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'r', { sources: [{ name: 'internal', configmap: { name: 'data', key: 'registry.json' }, claims: { groups: 'platform-team' } }] })
    await eventually(async () => expect(await claimsEnforced(ns)).to.deep.include({
      status: 'False', reason: 'AnonymousMode',
      message: 'claims are set (spec.sources[0].claims) but authConfig.mode is anonymous, so every caller sees everything: set authConfig.mode to oauth or remove them',
    }), { timeoutMs: 60_000 })
    expect(await settingsMap(ns)).to.equal(undefined)

    await patchRegistry(client, ns, 'r', { spec: { authConfig: { mode: 'oauth', oauth: { providers: [provider('corp')] } } } })
    const first = await eventually(async () => {
      expect(await claimsEnforced(ns)).to.deep.include({ status: 'True', reason: 'ClaimsAuthorized' })
      const d = await deployment(ns)
      expect(d.spec?.template.metadata?.annotations?.[HashAnnotation]).to.match(/^[0-9a-f]{64}$/)
      return d
    }, { timeoutMs: 60_000 })
    const settings = JSON.parse((await settingsMap(ns))?.data?.['auth.json'] ?? '{}') as { sourceClaims?: unknown; oauth?: { providers: { name: string; caCertFile?: string }[] } }
    expect(settings.sourceClaims).to.deep.equal({ internal: { groups: 'platform-team' } })
    expect(settings.oauth?.providers).to.deep.equal([{ name: 'corp', issuerUrl: 'https://corp.idp.test/', audience: 'registry', caCertFile: '/etc/thv-registry/auth/providers/corp/ca.crt' }])
    const cm = await settingsMap(ns)
    expect(cm?.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.controller])).to.deep.equal([['MCPRegistry', 'r', true]])
    const container = first.spec?.template.spec?.containers.find((c) => c.name === 'registry-api')
    expect(container?.args).to.include('--auth-config')
    expect(first.spec?.template.spec?.volumes?.find((v) => v.name === 'auth')?.projected?.sources?.map((s) => s.configMap?.name)).to.deep.equal(['r-api-auth', 'idp-ca'])

    await patchRegistry(client, ns, 'r', { spec: { authConfig: { mode: 'oauth', oauth: { providers: [provider('corp'), provider('partner')] } } } })
    await eventually(async () => {
      const hash = (await deployment(ns)).spec?.template.metadata?.annotations?.[HashAnnotation]
      expect(hash).to.match(/^[0-9a-f]{64}$/).and.not.equal(first.spec?.template.metadata?.annotations?.[HashAnnotation])
    }, { timeoutMs: 60_000 })

    await patchRegistry(client, ns, 'r', { spec: { authConfig: null } }) // a merge patch's null removes the field
    await eventually(async () => {
      const d = await deployment(ns)
      expect([d.spec?.template.spec?.volumes?.map((v) => v.name), d.spec?.template.metadata?.annotations?.[HashAnnotation], await settingsMap(ns)])
        .to.deep.equal([['tmp'], undefined, undefined])
      expect((await claimsEnforced(ns))?.reason).to.equal('AnonymousMode')
    }, { timeoutMs: 60_000 })
  })
})
