import { expect } from 'chai'
import { registryKeyOfServer, summarizeDeployedServers } from './deployed-servers.js'

const server = (name: string, namespace: string, labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPServer',
  metadata: { name, namespace, labels },
  spec: { image: `ghcr.io/example/${name}:1`, transport: 'streamable-http', port: 8080 },
  ...extra,
})
const labels = (registry: string, ns: string, serverName?: string) => ({
  'toolhive.stacklok.io/registry-name': registry, 'toolhive.stacklok.io/registry-namespace': ns,
  ...(serverName ? { 'toolhive.stacklok.io/server-name': serverName } : {}),
})

describe('summarizeDeployedServers', () => {
  it('keeps only servers whose name and namespace labels both match, and summarises them', () => {
    const servers = [
      server('fetch', 'apps', labels('prod', 'tools', 'fetch'), { status: { phase: 'Running', url: 'http://fetch.apps:8080' } }),
      server('github', 'tools', labels('prod', 'tools')),
      server('other', 'tools', labels('prod', 'elsewhere')),
      server('unlabelled', 'tools', {}),
    ]
    expect(summarizeDeployedServers({ namespace: 'tools', name: 'prod' }, servers)).to.deep.equal({
      summaries: [
        { name: 'fetch', namespace: 'apps', serverName: 'fetch', image: 'ghcr.io/example/fetch:1', transport: 'streamable-http', phase: 'Running', ready: true, endpoint: 'http://fetch.apps:8080' },
        { name: 'github', namespace: 'tools', serverName: 'github', image: 'ghcr.io/example/github:1', transport: 'streamable-http', ready: false },
      ],
      unreadable: 0,
    })
  })

  it('counts objects without an image as unreadable instead of failing', () => {
    const broken = { metadata: { name: 'x', namespace: 'tools', labels: labels('prod', 'tools') }, spec: {} }
    expect(summarizeDeployedServers({ namespace: 'tools', name: 'prod' }, [broken])).to.deep.equal({ summaries: [], unreadable: 1 })
  })
})

describe('registryKeyOfServer', () => {
  it('indexes by <registry-namespace>/<registry-name> only when both labels are set', () => {
    expect([registryKeyOfServer(server('a', 'n', labels('prod', 'tools'))), registryKeyOfServer(server('a', 'n', { 'toolhive.stacklok.io/registry-name': 'prod' }))])
      .to.deep.equal([['tools/prod'], []])
  })
})
