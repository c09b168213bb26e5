import { entryClaimsOf, toToolHiveView } from '@thv/converters'
import { PublisherProvidedMetaKey, type SingleSourceRegistry } from '@thv/registry-model'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import type { WorkloadObject } from './kubernetes-export.js'
import { KubernetesSourceHandler } from './kubernetes.source.js'
import { SourceConfigError } from './source.errors.js'

const registry = (namespaces?: string[]): SingleSourceRegistry => ({
  apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry',
  metadata: { name: 'team', namespace: 'team-a' },
  spec: { source: { type: 'kubernetes', kubernetes: namespaces === undefined ? {} : { namespaces } } },
} as SingleSourceRegistry)

const exported = (annotations: Record<string, string>): Record<string, string> => ({
  'toolhive.stacklok.dev/registry-export': 'true', 'toolhive.stacklok.dev/registry-description': 'Fetches web pages', ...annotations,
})

function workload(kind: string, namespace: string, name: string, annotations: Record<string, string>, spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): WorkloadObject {
  return { kind, apiVersion: 'toolhive.stacklok.dev/v1alpha1', metadata: { namespace, name, uid: `uid-${name}`, annotations }, spec, status }
}

function handlerOver(objects: WorkloadObject[], options: { allowCrossNamespace?: boolean; namePrefix?: string } = {}): KubernetesSourceHandler {
  return new KubernetesSourceHandler({ workloads: { list: (ns) => objects.filter((o) => o.metadata?.namespace === ns) }, ...options })
}

const now = new Date('2026-12-04T10:00:00Z')
const sync = (h: KubernetesSourceHandler, r = registry()) => h.sync(r, new AbortController().signal, { now })

describe('KubernetesSourceHandler', () => {
  it('exports annotated workloads as remote entries named <prefix>.<namespace>/<name> with URL, transport and the annotations', async () => {
    const objects = [
      workload('MCPServer', 'team-a', 'fetch', exported({
        'toolhive.stacklok.dev/registry-url': 'https://fetch.team-a.example/mcp', 'toolhive.stacklok.dev/registry-title': 'Fetch',
        'toolhive.stacklok.dev/tools': 'fetch, fetch_raw', 'toolhive.stacklok.dev/registry-category': 'web',
        'toolhive.stacklok.dev/registry-icon': 'https://icons.example/fetch.png',
        'toolhive.stacklok.dev/tool-definitions': '[{"name":"fetch"}]', 'toolhive.stacklok.dev/authz-claims': '{"groups":["team-a"]}',
      }), { image: 'ghcr.io/stacklok/fetch:1.4.0', transport: 'stdio', proxyMode: 'sse' }),
      workload('MCPRemoteProxy', 'team-a', 'notion', exported({ 'toolhive.stacklok.dev/registry-version': '2.0.0' }), { remoteURL: 'https://mcp.notion.example', transport: 'sse' }, { url: 'http://notion.team-a.svc:8080/sse' }),
      workload('VirtualMCPServer', 'team-a', 'all-tools', exported({}), {}, { url: 'http://all-tools.team-a.svc:4483/mcp' }),
      workload('MCPServer', 'team-a', 'not-exported', { 'toolhive.stacklok.dev/registry-description': 'x' }, { image: 'x:1' }, { url: 'http://x' }),
    ]
    const result = await sync(handlerOver(objects))
    expect(result.skipped).to.deep.equal([])
    const servers = result.data.servers.map((s) => s.server)
    expect(servers.map((s) => [s.name, s.version, s.remotes])).to.deep.equal([
      ['com.toolhive.k8s.team-a/all-tools', '1.0.0', [{ type: 'streamable-http', url: 'http://all-tools.team-a.svc:4483/mcp' }]],
      ['com.toolhive.k8s.team-a/fetch', '1.4.0', [{ type: 'sse', url: 'https://fetch.team-a.example/mcp' }]],
      ['com.toolhive.k8s.team-a/notion', '2.0.0', [{ type: 'sse', url: 'http://notion.team-a.svc:8080/sse' }]],
    ])
    const fetch = result.data.servers[1]?.server
    expect([fetch?.title, fetch?.description, fetch?.icons]).to.deep.equal(['Fetch', 'Fetches web pages', [{ src: 'https://icons.example/fetch.png' }]])
    expect((fetch?._meta as Record<string, Record<string, Record<string, unknown>>>)[PublisherProvidedMetaKey]?.['io.github.stacklok']?.['https://fetch.team-a.example/mcp']).to.deep.equal({
      tools: ['fetch', 'fetch_raw'], tool_definitions: [{ name: 'fetch' }], tags: ['web'], authz_claims: { groups: ['team-a'] },
      custom_metadata: { category: 'web', kubernetes: { kind: 'MCPServer', namespace: 'team-a', name: 'fetch', uid: 'uid-fetch', image: 'ghcr.io/stacklok/fetch:1.4.0', transport: 'sse' } },
    })
    expect(entryClaimsOf(fetch ?? {})).to.deep.equal({ groups: ['team-a'] })
    expect(entryClaimsOf(result.data.servers[0]?.server ?? {})).to.equal(undefined)
    const doc = toToolHiveView(result.data).document
    expect(doc.remote_servers?.['fetch']).to.include({ url: 'https://fetch.team-a.example/mcp', transport: 'sse', description: 'Fetches web pages' })
    expect(doc.remote_servers?.['fetch']).to.not.have.property('authz_claims')
  })

  it('skips workloads with malformed annotations, a bad URL, no description or no URL yet, and names each', async () => {
    const objects = [
      workload('MCPServer', 'team-a', 'good', exported({ 'toolhive.stacklok.dev/registry-url': 'https://good.example/mcp' })),
      workload('MCPServer', 'team-a', 'bad-claims', exported({ 'toolhive.stacklok.dev/registry-url': 'https://a.example', 'toolhive.stacklok.dev/authz-claims': '{"groups": [' })),
      workload('MCPServer', 'team-a', 'bad-url', exported({ 'toolhive.stacklok.dev/registry-url': 'not a url' })),
      workload('MCPServer', 'team-a', 'ftp-url', exported({ 'toolhive.stacklok.dev/registry-url': 'ftp://files.example/x' })),
      workload('MCPServer', 'team-a', 'no-description', { 'toolhive.stacklok.dev/registry-export': 'true', 'toolhive.stacklok.dev/registry-url': 'https://a.example' }),
      workload('MCPServer', 'team-a', 'pending', exported({}), { image: 'x:1' }, { phase: 'Pending' }),
      workload('MCPServer', 'team-a', 'bad-tools', exported({ 'toolhive.stacklok.dev/registry-url': 'https://a.example', 'toolhive.stacklok.dev/tools': '["a b"]' })),
      workload('MCPServer', 'team-a', 'long-description', exported({ 'toolhive.stacklok.dev/registry-url': 'https://a.example', 'toolhive.stacklok.dev/registry-description': 'x'.repeat(101) })),
    ]
    const result = await sync(handlerOver(objects))
    expect(result.data.servers.map((s) => s.server.name)).to.deep.equal(['com.toolhive.k8s.team-a/good'])
    const messages = Object.fromEntries(result.skipped.map((s) => [s.name, s.message]))
    expect(Object.keys(messages).sort()).to.deep.equal(['bad-claims', 'bad-tools', 'bad-url', 'ftp-url', 'long-description', 'no-description', 'pending'])
    expect(messages['bad-claims']).to.match(/^annotation toolhive.stacklok.dev\/authz-claims is not valid JSON/)
    expect(messages['bad-url']).to.equal('annotation toolhive.stacklok.dev/registry-url is not a valid URL')
    expect(messages['ftp-url']).to.equal('annotation toolhive.stacklok.dev/registry-url must be an http or https URL (got ftp:)')
    expect(messages['no-description']).to.equal('annotation toolhive.stacklok.dev/registry-description is missing')
    expect(messages['pending']).to.equal('annotation toolhive.stacklok.dev/registry-url is missing and status.url is not set yet')
    expect(messages['long-description']).to.match(/^the entry does not fit server.json: description: /)
    expect(result.skipped[0]).to.include({ kind: 'MCPServer', apiVersion: 'toolhive.stacklok.dev/v1alpha1', namespace: 'team-a' })
  })

  it('keeps the first kind when two kinds export the same namespace and name', async () => {
    const objects = [
      workload('MCPRemoteProxy', 'team-a', 'same', exported({ 'toolhive.stacklok.dev/registry-url': 'https://proxy.example' })),
      workload('MCPServer', 'team-a', 'same', exported({ 'toolhive.stacklok.dev/registry-url': 'https://server.example' })),
    ]
    const result = await sync(handlerOver(objects))
    expect(result.data.servers.map((s) => s.server.remotes?.[0]?.url)).to.deep.equal(['https://server.example'])
    expect(result.skipped.map((s) => [s.kind, s.message])).to.deep.equal([['MCPRemoteProxy', 'its entry name com.toolhive.k8s.team-a/same is already exported by MCPServer team-a/same']])
  })

  it('reads the registry namespace by default, the listed ones otherwise, and refuses other namespaces unless allowed', async () => {
    const objects = ['team-a', 'team-b', 'team-c'].map((ns) => workload('MCPServer', ns, 'fetch', exported({ 'toolhive.stacklok.dev/registry-url': `https://${ns}.example` })))
    expect((await sync(handlerOver(objects))).data.servers.map((s) => s.server.name)).to.deep.equal(['com.toolhive.k8s.team-a/fetch'])
    const refused = handlerOver(objects).validate(registry(['team-a', 'team-b']).spec.source, 'team-a')
    expect(E.isLeft(refused) && refused.left).to.be.instanceOf(SourceConfigError).and.include({ code: 'CrossNamespaceNotAllowed' })
    expect(E.isLeft(refused) && refused.left.message).to.include('namespaces team-b differ from')
    const allowed = handlerOver(objects, { allowCrossNamespace: true, namePrefix: 'dev.example.k8s' })
    expect((await sync(allowed, registry(['team-b', 'team-a']))).data.servers.map((s) => s.server.name)).to.deep.equal(['dev.example.k8s.team-a/fetch', 'dev.example.k8s.team-b/fetch'])
    expect(() => handlerOver(objects, { namePrefix: 'not a prefix' })).to.throw(RangeError)
  })

  it('builds an empty snapshot when nothing is exported, and the same hash when nothing changed', async () => {
    const objects: WorkloadObject[] = []
    const handler = handlerOver(objects)
    const empty = await sync(handler)
    expect([empty.serverCount, empty.data.registry.source]).to.deep.equal([0, { type: 'kubernetes', ref: 'namespaces team-a' }])
    objects.push(workload('MCPServer', 'team-a', 'fetch', exported({ 'toolhive.stacklok.dev/registry-url': 'https://fetch.example' })))
    const first = await sync(handler)
    const again = await handler.sync(registry(), new AbortController().signal, { now: new Date('2026-12-04T11:00:00Z') })
    expect(again.hash).to.equal(first.hash)
    expect(first.hash).to.not.equal(empty.hash)
  })
})
