import { expect } from 'chai'
import { decodeApiAuthSettings } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { storageReaderPolicyRules } from '@thv/storage'
import { desiredApiObjects } from './api-objects.js'

const owner = { name: 'prod', namespace: 'toolhive-system', uid: 'uid-1' }
const config = { image: 'example/api:1', storageRules: storageReaderPolicyRules('prod') }
const authConfig = {
  mode: 'oauth' as const,
  publicPaths: ['/docs'],
  oauth: {
    realm: 'mcp-registry', scopesSupported: ['mcp-registry:read'],
    providers: [
      { name: 'corp', issuerUrl: 'https://idp.example/', audience: 'mcp-registry', caCertRef: { name: 'corp-ca', key: 'ca.crt' } },
      { name: 'partner', issuerUrl: 'https://partner.example/', audience: 'mcp-registry', introspectionUrl: 'https://partner.example/introspect', clientId: 'registry', clientSecretRef: { name: 'partner-client', key: 'secret' } },
    ],
  },
}
const sources = [{ name: 'internal', configMapRef: { name: 'd', key: 'k' }, claims: { groups: 'platform-team' } }]
const registries = [{ name: 'curated', sources: ['internal'], claims: { department: ['eng', 'ops'] } }]

describe('desiredApiObjects with spec.authConfig (issue 16)', () => {
  const objects = desiredApiObjects(owner, config, { authConfig, sources, registries })
  const pod = objects.deployment.spec?.template
  const container = pod?.spec?.containers[0]

  it('renders the settings the API reads into an owned ConfigMap: providers with mounted file paths, claims by name, the Service URL as default resource', () => {
    const text = objects.authConfigMap?.data?.['auth.json'] ?? ''
    const decoded = decodeApiAuthSettings(JSON.parse(text))
    expect(E.isRight(decoded) ? decoded.right : decoded.left.message).to.deep.equal({
      mode: 'oauth', publicPaths: ['/docs'],
      oauth: {
        resourceUrl: 'http://prod-api.toolhive-system.svc.cluster.local:80/', realm: 'mcp-registry', scopesSupported: ['mcp-registry:read'],
        providers: [
          { name: 'corp', issuerUrl: 'https://idp.example/', audience: 'mcp-registry', caCertFile: '/etc/thv-registry/auth/providers/corp/ca.crt' },
          { name: 'partner', issuerUrl: 'https://partner.example/', audience: 'mcp-registry', introspectionUrl: 'https://partner.example/introspect', clientId: 'registry', clientSecretFile: '/etc/thv-registry/auth/providers/partner/client-secret' },
        ],
      },
      sourceClaims: { internal: { groups: 'platform-team' } },
      viewClaims: { curated: { department: ['eng', 'ops'] } },
    })
    expect([objects.authConfigMap?.metadata?.name, objects.authConfigMap?.metadata?.ownerReferences?.[0]?.name]).to.deep.equal(['prod-api-auth', 'prod'])
  })

  it('mounts settings, CA and Secret keys as read-only files and passes only the file path (no secret in env or args)', () => {
    expect(container?.args).to.deep.equal(['--registry', 'toolhive-system/prod', '--port', '8080', '--auth-config', '/etc/thv-registry/auth/auth.json'])
    expect(container?.volumeMounts).to.deep.include({ name: 'auth', mountPath: '/etc/thv-registry/auth', readOnly: true })
    expect(pod?.spec?.volumes?.find((v) => v.name === 'auth')).to.deep.equal({
      name: 'auth',
      projected: {
        defaultMode: 0o440,
        sources: [
          { configMap: { name: 'prod-api-auth', items: [{ key: 'auth.json', path: 'auth.json' }] } },
          { configMap: { name: 'corp-ca', items: [{ key: 'ca.crt', path: 'providers/corp/ca.crt' }] } },
          { secret: { name: 'partner-client', items: [{ key: 'secret', path: 'providers/partner/client-secret' }] } },
        ],
      },
    })
    expect(pod?.spec?.securityContext?.fsGroup).to.equal(65532)
    expect(JSON.stringify(container?.env ?? [])).to.not.match(/partner-client|corp-ca|secret/)
  })

  it('rolls the pods when the settings change (their hash is a pod template annotation), not otherwise', () => {
    const hashOf = (o: ReturnType<typeof desiredApiObjects>) => o.deployment.spec?.template.metadata?.annotations?.['toolhive.stacklok.dev/auth-config-hash']
    const same = desiredApiObjects(owner, config, { authConfig, sources, registries })
    const fewer = desiredApiObjects(owner, config, { authConfig: { ...authConfig, oauth: { ...authConfig.oauth, providers: authConfig.oauth.providers.slice(0, 1) } }, sources, registries })
    expect(hashOf(objects)).to.match(/^[0-9a-f]{64}$/)
    expect(hashOf(same)).to.equal(hashOf(objects))
    expect(hashOf(fewer)).to.not.equal(hashOf(objects))
  })

  it('renders nothing without authConfig, so existing registries are unchanged', () => {
    const plain = desiredApiObjects(owner, config, { sources, registries })
    expect([plain.authConfigMap, plain.deployment.spec?.template.metadata?.annotations, plain.deployment.spec?.template.spec?.volumes]).to.deep.equal([undefined, undefined, [{ name: 'tmp', emptyDir: {} }]])
    expect(plain.deployment).to.deep.equal(desiredApiObjects(owner, config).deployment)
  })
})
