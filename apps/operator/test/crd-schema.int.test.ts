// The MCPRegistry CRD (config/crd/bases) and the io-ts codec must accept and reject the same specs: each case is
// created with dryRun on the real API server (strict field validation, as kubectl applies) and decoded by the codec.
import { expect } from 'chai'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { httpStatusOf, KubeClient } from '@thv/k8s-reconcile'
import { decodeMCPRegistrySpec } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { ensureMcpRegistryCrd } from './crd-install.js'

const source = { type: 'configmap', configmap: { name: 'registry-data' } }
const platform = { name: 'platform', format: 'toolhive', configMapRef: { name: 'platform-registry', key: 'registry.json' } }
const upstreamList = { name: 'upstream-list', format: 'upstream', configMapRef: { name: 'upstream-servers', key: 'servers.json' } }
const manySources = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `s${i}`, configmap: { name: 'd' } }))

/** [title, spec, valid, a fragment of the admission message when invalid]. */
const cases: ReadonlyArray<readonly [string, unknown, boolean, string?]> = [
  ['a minimal spec', { source }, true],
  ['the design shape with every field', {
    displayName: 'Production MCP Server Registry',
    source: { type: 'configmap', format: 'toolhive', configmap: { name: 'registry-data', namespace: 'toolhive-system', key: 'registry.json' } },
    syncPolicy: { type: 'automatic', interval: '1h', retryPolicy: { maxAttempts: 3, backoffInterval: '30s', backoffMultiplier: '2.0' } },
    filter: { include: ['*'], exclude: ['deprecated-*'], tags: { include: ['production'], exclude: ['experimental'] } },
  }, true],
  ["ToolHive's shipped v1alpha1 shape", {
    displayName: 'Team registry', source: { type: 'configmap', format: 'toolhive', configmap: { name: 'reg-data', key: 'registry.json' } },
    syncPolicy: { interval: '1h' }, filter: { names: { include: ['prod-*'], exclude: ['*-legacy'] }, tags: { include: ['database'], exclude: ['experimental'] } },
  }, true],
  ['upstream format, manual sync', { source: { ...source, format: 'upstream' }, syncPolicy: { type: 'manual' } }, true],
  ['a compound Go duration', { source, syncPolicy: { interval: '1h30m0.5s' } }, true],
  ['a reverse-DNS glob', { source, filter: { include: ['io.github.*/*', 'fetch?'] } }, true],
  ['a missing source', { displayName: 'x' }, false, 'set exactly one of spec.source and spec.sources'],
  ['an unknown source type', { source: { type: 'svn', configmap: { name: 'x' } } }, false, 'spec.source.type: Unsupported value: "svn"'],
  ['a url source with every field', { source: { type: 'url', url: { endpoint: 'https://example.com/registry.json', timeout: '45s', caCertRef: { name: 'ca', key: 'ca.crt' }, headersSecretRef: { name: 'hdrs' } } } }, true],
  ["ToolHive's git example", { source: { type: 'git', format: 'toolhive', git: { repository: 'https://github.com/stacklok/toolhive.git', branch: 'main', path: 'pkg/registry/data/registry.json' } } }, true],
  ['a git source with auth and a commit', { source: { type: 'git', git: { repository: 'https://git.example/r.git', commit: 'a'.repeat(40), auth: { username: 'git', passwordSecretRef: { name: 'tok', key: 'token' } } } } }, true],
  ['an api mirror', { source: { type: 'api', api: { endpoint: 'https://registry.example/registry/team/', authSecretRef: { name: 'tok', key: 'token' } } } }, true],
  ['a url source without its block', { source: { type: 'url' } }, false, "spec.source.url is required when spec.source.type is 'url'"],
  ['an ftp endpoint', { source: { type: 'url', url: { endpoint: 'ftp://example.com/r.json' } } }, false, 'spec.source.url.endpoint'],
  ['git with both branch and tag', { source: { type: 'git', git: { repository: 'https://g/r.git', branch: 'main', tag: 'v1' } } }, false, 'at most one of branch, tag and commit'],
  ['a short commit', { source: { type: 'git', git: { repository: 'https://g/r.git', commit: 'abc123' } } }, false, 'spec.source.git.commit'],
  ['git auth without a password', { source: { type: 'git', git: { repository: 'https://g/r.git', auth: { username: 'git' } } } }, false, 'spec.source.git.auth.passwordSecretRef'],
  ['an api timeout that is not a duration', { source: { type: 'api', api: { endpoint: 'https://r.example/', timeout: 'soon' } } }, false, 'must be a Go duration'],
  ['an unknown field in url', { source: { type: 'url', url: { endpoint: 'https://e/r.json', headers: {} } } }, false, 'unknown field "spec.source.url.headers"'],
  ['a source type without its block', { source: { type: 'configmap' } }, false, "spec.source.configmap is required when spec.source.type is 'configmap'"],
  ['an unknown format', { source: { ...source, format: 'yaml' } }, false, 'spec.source.format: Unsupported value: "yaml"'],
  ['an upper-case ConfigMap name', { source: { type: 'configmap', configmap: { name: 'Data' } } }, false, 'spec.source.configmap.name'],
  ['an empty key', { source: { type: 'configmap', configmap: { name: 'd', key: '' } } }, false, 'spec.source.configmap.key'],
  ['an invalid duration', { source, syncPolicy: { interval: '1 hour' } }, false, 'must be a Go duration such as 30s, 5m or 1h30m'],
  ['a day unit', { source, syncPolicy: { interval: '1d' } }, false, 'must be a Go duration'],
  ['an invalid backoff interval', { source, syncPolicy: { retryPolicy: { backoffInterval: 'soon' } } }, false, 'must be a Go duration'],
  ['zero maxAttempts', { source, syncPolicy: { retryPolicy: { maxAttempts: 0 } } }, false, 'spec.syncPolicy.retryPolicy.maxAttempts: Invalid value: 0'],
  ['negative maxAttempts', { source, syncPolicy: { retryPolicy: { maxAttempts: -1 } } }, false, 'maxAttempts'],
  ['a multiplier below 1', { source, syncPolicy: { retryPolicy: { backoffMultiplier: '0.5' } } }, false, 'must be a decimal number >= 1'],
  ['a non-numeric multiplier', { source, syncPolicy: { retryPolicy: { backoffMultiplier: 'two' } } }, false, 'must be a decimal number >= 1'],
  ['automatic without an interval', { source, syncPolicy: { type: 'automatic' } }, false, 'spec.syncPolicy.interval is required'],
  ['an unknown sync type', { source, syncPolicy: { type: 'sometimes', interval: '1h' } }, false, 'spec.syncPolicy.type: Unsupported value'],
  ['an unclosed bracket glob', { source, filter: { include: ['[abc'] } }, false, 'must be a name glob'],
  ['a glob with a space', { source, filter: { names: { exclude: ['a b'] } } }, false, 'must be a name glob'],
  ['an empty glob', { source, filter: { exclude: [''] } }, false, 'spec.filter.exclude[0]'],
  ['an empty tag', { source, filter: { tags: { include: [''] } } }, false, 'spec.filter.tags.include[0]'],
  ['top-level and names globs together', { source, filter: { include: ['a'], names: { include: ['b'] } } }, false, 'use either spec.filter.include/exclude or spec.filter.names'],
  ['the deployment settings of a production registry', {
    source, replicas: 2, imagePullSecrets: [{ name: 'ghcr-pull' }],
    podTemplateSpec: { spec: { containers: [{ name: 'registry-api', resources: { limits: { memory: '1Gi' } }, env: [{ name: 'LOG_LEVEL', value: 'debug' }] }], tolerations: [{ key: 'dedicated', operator: 'Exists' }] } },
    expose: { ingress: { className: 'nginx', host: 'registry.example.com', tls: { secretName: 'registry-tls' } } },
    telemetryConfig: { enabled: true, serviceName: 'mcp-registry', endpoint: 'otel-collector.monitoring:4318', insecure: true, tracing: { enabled: true, sampling: '0.25' }, metrics: { enabled: true } },
  }, true],
  ['an HTTPRoute exposure', { source, expose: { httpRoute: { parentRefs: [{ name: 'public', namespace: 'gateways', sectionName: 'https' }], hostnames: ['*.example.com'] } } }, true],
  ['zero replicas', { source, replicas: 0 }, true],
  ['negative replicas', { source, replicas: -1 }, false, 'spec.replicas'],
  ['too many replicas', { source, replicas: 101 }, false, 'spec.replicas'],
  ['a pull secret without a name', { source, imagePullSecrets: [{}] }, false, 'spec.imagePullSecrets[0].name'],
  ['both an Ingress and an HTTPRoute', { source, expose: { ingress: { host: 'a.example.com' }, httpRoute: { parentRefs: [{ name: 'gw' }] } } }, false, 'set spec.expose.ingress or spec.expose.httpRoute, not both'],
  ['an upper-case Ingress host', { source, expose: { ingress: { host: 'Registry.example.com' } } }, false, 'spec.expose.ingress.host'],
  ['an HTTPRoute without parents', { source, expose: { httpRoute: { parentRefs: [] } } }, false, 'spec.expose.httpRoute.parentRefs'],
  ['telemetry enabled without an endpoint', { source, telemetryConfig: { enabled: true } }, false, 'spec.telemetryConfig.endpoint is required when telemetry is enabled'],
  ['a sampling ratio above 1', { source, telemetryConfig: { tracing: { sampling: '1.5' } } }, false, 'must be a decimal ratio between 0 and 1'],
  ['an unknown telemetry field', { source, telemetryConfig: { enabled: false, exporter: 'otlp' } }, false, 'unknown field "spec.telemetryConfig.exporter"'],
  ['an unknown spec field', { source, sycnPolicy: { interval: '1h' } }, false, 'unknown field "spec.sycnPolicy"'],
  ["ToolHive's typed-era manifest with sources and views", {
    displayName: 'Team registry',
    sources: [
      { ...platform, syncPolicy: { interval: '30m' }, filter: { names: { include: ['*'], exclude: ['*-deprecated'] }, tags: { exclude: ['experimental'] } } },
      upstreamList,
    ],
    registries: [{ name: 'default', sources: ['platform', 'upstream-list'] }, { name: 'platform-only', sources: ['platform'] }],
  }, true],
  ['sources of every kind, claims and the typed-era fields we do not implement', {
    sources: [
      { name: 'a', configmap: { name: 'd', key: 'r.json' }, claims: { team: 'a', groups: ['x', 'y'] } },
      { name: 'u', url: { endpoint: 'https://e.example/r.json' } },
      { name: 'g', git: { repository: 'https://g.example/r.git', tag: 'v1' } },
      { name: 'm', api: { endpoint: 'https://m.example/' } },
      { name: 'w', managed: {} },
      { name: 'k', kubernetes: { namespaces: ['team-a'] } },
      { name: 'o', configMapRef: { name: 'd', key: 'r.json', optional: true } },
    ],
    registries: [{ name: 'v', sources: ['a', 'u'], claims: { team: 'a' } }],
    databaseConfig: { host: 'pg', port: 5432 }, enforceServers: true,
  }, true],
  ['authConfig with oauth providers, CA and Secret references (issue 16)', {
    sources: [{ ...platform, claims: { groups: 'platform-team' } }],
    registries: [{ name: 'curated', sources: ['platform'], claims: { department: ['eng', 'ops'] } }],
    authConfig: {
      mode: 'oauth', publicPaths: ['/docs', '/ui/assets/*'],
      oauth: {
        resourceUrl: 'https://registry.example/', realm: 'mcp-registry', scopesSupported: ['mcp-registry:read'],
        providers: [
          { name: 'corp', issuerUrl: 'https://idp.example/', audience: 'mcp-registry', jwksUrl: 'https://idp.example/jwks', caCertRef: { name: 'corp-ca', key: 'ca.crt' } },
          { name: 'partner', issuerUrl: 'https://p.example/', audience: 'mcp-registry', introspectionUrl: 'https://p.example/introspect', clientId: 'registry', clientSecretRef: { name: 's', key: 'secret' }, authTokenRef: { name: 't', key: 'token' } },
        ],
      },
      authz: { roles: { superAdmin: ['admins'] } },
    },
  }, true],
  ['authConfig mode oauth without oauth', { source, authConfig: { mode: 'oauth' } }, false, 'spec.authConfig.oauth is required when spec.authConfig.mode is oauth'],
  ['an auth provider without an audience', { source, authConfig: { mode: 'oauth', oauth: { providers: [{ name: 'corp', issuerUrl: 'https://idp.example/' }] } } }, false, 'spec.authConfig.oauth.providers[0].audience'],
  ['an unknown field in an auth provider', { source, authConfig: { oauth: { providers: [{ name: 'corp', issuerUrl: 'https://idp.example/', audience: 'a', clientSecret: 'inline' }] } } }, false, 'unknown field "spec.authConfig.oauth.providers[0].clientSecret"'],
  ['20 sources and 20 views', { sources: manySources(20), registries: Array.from({ length: 20 }, (_, i) => ({ name: `v${i}`, sources: ['s0'] })) }, true],
  ['both spec.source and spec.sources', { source, sources: [platform] }, false, 'set exactly one of spec.source and spec.sources'],
  ['views without spec.sources', { source, registries: [{ name: 'v', sources: ['default'] }] }, false, 'spec.registries needs spec.sources'],
  ['duplicate source names', { sources: [platform, { ...upstreamList, name: 'platform' }] }, false, 'Duplicate value'],
  ['duplicate view names', { sources: [platform], registries: [{ name: 'v', sources: ['platform'] }, { name: 'v', sources: ['platform'] }] }, false, 'Duplicate value'],
  ['a view naming an unknown source', { sources: [platform], registries: [{ name: 'v', sources: ['platform', 'nope'] }] }, false, 'every spec.registries[].sources entry must name a source of spec.sources'],
  ['a source with two kind blocks', { sources: [{ ...platform, configmap: { name: 'd' } }] }, false, 'a source sets exactly one of configMapRef'],
  ['a source without a kind block', { sources: [{ name: 'x' }] }, false, 'a source sets exactly one of configMapRef'],
  ['21 sources', { sources: manySources(21) }, false, 'spec.sources: Too many'],
  ['21 views', { sources: manySources(1), registries: Array.from({ length: 21 }, (_, i) => ({ name: `v${i}`, sources: ['s0'] })) }, false, 'spec.registries: Too many'],
  ['an empty sources list', { sources: [] }, false, 'spec.sources'],
  ['an upper-case source name', { sources: [{ ...platform, name: 'Platform' }] }, false, 'spec.sources[0].name'],
  ['configMapRef without a key', { sources: [{ name: 'p', configMapRef: { name: 'd' } }] }, false, 'spec.sources[0].configMapRef.key'],
  ['a view listing a source twice', { sources: [platform], registries: [{ name: 'v', sources: ['platform', 'platform'] }] }, false, 'Duplicate value'],
  ['an invalid per-source interval', { sources: [{ ...platform, syncPolicy: { interval: 'soon' } }] }, false, 'must be a Go duration'],
  ['an unknown field in a source', { sources: [{ ...platform, tyep: 'x' }] }, false, 'unknown field "spec.sources[0].tyep"'],
  ['an unknown nested field', { source: { ...source, configmap: { name: 'x', keyy: 'y' } } }, false, 'unknown field "spec.source.configmap.keyy"'],
]

describe('MCPRegistry CRD schema and codec', function () {
  this.timeout(60_000)
  let client: KubeClient
  let namespace: string

  before(async () => {
    const plane = await getTestControlPlane()
    client = new KubeClient(plane.kubeConfig())
    namespace = await createTestNamespace('crd-schema')
    await ensureMcpRegistryCrd(client, namespace)
  })

  /** Creates the object with dryRun=All and strict field validation; resolves to the rejection message, or undefined. */
  async function admission(spec: unknown, i: number): Promise<string | undefined> {
    const body = { apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name: `case-${i}`, namespace }, spec }
    try {
      await client.request('POST', `/apis/toolhive.stacklok.dev/v1alpha1/namespaces/${namespace}/mcpregistries`, {
        body, query: { dryRun: 'All', fieldValidation: 'Strict' }, contentType: 'application/json',
      })
      return undefined
    } catch (err) {
      if (httpStatusOf(err) !== 422 && httpStatusOf(err) !== 400) throw err
      return (err as { body?: { message?: string } }).body?.message ?? String(err)
    }
  }

  cases.forEach(([title, spec, valid, fragment], i) => {
    it(`${valid ? 'accepts' : 'rejects'} ${title} in both the API server and the codec`, async () => {
      const rejected = await admission(spec, i)
      const codec = decodeMCPRegistrySpec(spec)
      expect({ apiServer: rejected === undefined, codec: E.isRight(codec) }).to.deep.equal({ apiServer: valid, codec: valid })
      if (!valid) expect(rejected).to.include(fragment)
    })
  })

  it('prunes unknown fields when the client does not ask for strict validation (documented difference)', async () => {
    const created = await client.request<{ spec: Record<string, unknown> }>('POST', `/apis/toolhive.stacklok.dev/v1alpha1/namespaces/${namespace}/mcpregistries`, {
      body: { apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name: 'pruned', namespace }, spec: { source, extra: true } },
      query: { dryRun: 'All', fieldValidation: 'Ignore' }, contentType: 'application/json',
    })
    expect(created.spec).to.deep.equal({ source })
    expect(E.isLeft(decodeMCPRegistrySpec({ source, extra: true }))).to.equal(true)
  })

  it('serves short names, the toolhive category and the printer columns', async () => {
    const crd = await client.request<{ spec: { names: { shortNames: string[]; categories: string[] }; versions: Array<{ additionalPrinterColumns: Array<{ name: string }>; subresources: unknown }> } }>(
      'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/mcpregistries.toolhive.stacklok.dev')
    expect(crd.spec.names.shortNames).to.deep.equal(['mcpreg', 'mcpregistry'])
    expect(crd.spec.names.categories).to.deep.equal(['toolhive'])
    expect(crd.spec.versions[0]?.additionalPrinterColumns.map((c) => c.name)).to.deep.equal(['Phase', 'Servers', 'Sources', 'Deployed', 'Last Sync', 'API', 'Ready', 'Age'])
    expect(crd.spec.versions[0]?.subresources).to.deep.equal({ status: {} })
  })
})
