import { expect } from 'chai'
import type { RegistrySnapshot } from '@thv/registry-model'
import { startApi, type RunningApi } from '../../test/support/api-harness.js'
import { getChecked } from '../../test/support/http-client.js'
import { fixtureSnapshot, multiViewSnapshot } from '../../test/support/snapshots.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'

const namesOf = (json: unknown) => (json as { servers: Array<{ server: { name: string } }> }).servers.map((s) => s.server.name)

describe('registry views under /registry/{view} (HTTP)', () => {
  let api: RunningApi
  let snapshot: RegistrySnapshot
  before(async () => {
    snapshot = multiViewSnapshot()
    api = await startApi(renderToolHiveForTests, snapshot)
  })
  after(() => api.close())

  it('serves the first view at the unprefixed paths and at its prefix, the same list', async () => {
    const plain = await getChecked(`${api.url}/v0.1/servers?limit=100`, '/v0.1/servers', { upstream: 'ServerList' })
    const prefixed = await getChecked(`${api.url}/registry/all/v0.1/servers?limit=100`, undefined, { upstream: 'ServerList' })
    expect(prefixed.status).to.equal(200)
    expect(prefixed.json).to.deep.equal(plain.json)
    expect(new Set(namesOf(plain.json)).size).to.equal(12)
  })

  it('never returns another view\'s servers, and serves each view\'s own copy of a shared name', async () => {
    const community = await getChecked(`${api.url}/registry/community-only/v0.1/servers?limit=100`, undefined, { upstream: 'ServerList' })
    const platformNames = new Set(snapshot.servers.slice(0, 6).map((s) => s.server.name))
    const names = new Set(namesOf(community.json))
    const shared = snapshot.servers[0]?.server.name as string
    expect([...names].filter((n) => platformNames.has(n) && n !== shared)).to.deep.equal([])
    expect(names.has(shared)).to.equal(true)
    const version = snapshot.servers[0]?.server.version as string
    const own = await getChecked(`${api.url}/registry/community-only/v0/servers/${encodeURIComponent(shared)}/versions/${encodeURIComponent(version)}`, undefined, { upstream: 'ServerResponse' })
    const winner = await getChecked(`${api.url}/v0/servers/${encodeURIComponent(shared)}/versions/${encodeURIComponent(version)}`, undefined, { upstream: 'ServerResponse' })
    expect((own.json as { server: { description: string } }).server.description).to.equal('the community copy')
    expect((winner.json as { server: { description: string } }).server.description).to.not.equal('the community copy')
  })

  it('serves the ToolHive API and the OpenAPI document per view, so thv can use a view\'s base URL', async () => {
    const doc = await getChecked(`${api.url}/registry/community-only/api/v1/registry/servers`, '/api/v1/registry/servers')
    const all = await getChecked(`${api.url}/api/v1/registry/servers`, '/api/v1/registry/servers')
    const count = (j: unknown) => Object.keys((j as { servers?: object }).servers ?? {}).length + Object.keys((j as { remote_servers?: object }).remote_servers ?? {}).length
    expect(count(doc.json)).to.be.lessThan(count(all.json))
    const openapi = await getChecked(`${api.url}/registry/community-only/openapi.yaml`, undefined)
    expect([openapi.status, openapi.headers.get('content-type')]).to.deep.equal([200, 'application/yaml; charset=utf-8'])
  })

  it('lists the views and their sources in info, naming the view answering', async () => {
    const info = await getChecked(`${api.url}/registry/community-only/api/v1/registry/info`, '/api/v1/registry/info')
    expect(info.json).to.deep.include({
      view: 'community-only',
      views: [
        { name: 'all', sources: ['platform', 'community'], path: '/registry/all' },
        { name: 'community-only', sources: ['community'], path: '/registry/community-only' },
      ],
    })
    const root = await getChecked(`${api.url}/api/v1/registry/info`, '/api/v1/registry/info')
    expect((root.json as { view: string }).view).to.equal('all')
  })

  it('answers an unknown view or a path a view does not serve with a 404 problem', async () => {
    for (const path of ['/registry/nope/v0.1/servers', '/registry/nope/', '/registry/all/health', '/registry/nope', '/registry/all/ui/assets/catalogue.css', '/registry/all/docs']) {
      const res = await getChecked(`${api.url}${path}`, undefined)
      expect([path, res.status, res.headers.get('content-type')]).to.deep.equal([path, 404, 'application/problem+json'])
    }
  })

  it('redirects a view\'s base URL without the slash to its catalogue', async () => {
    const res = await fetch(`${api.url}/registry/community-only?q=fetch`, { redirect: 'manual' })
    expect([res.status, res.headers.get('location')]).to.deep.equal([308, '/registry/community-only/?q=fetch'])
  })

  it('answers a JSON client at a view\'s root with that view\'s entry points, and a browser with its catalogue', async () => {
    const json = await getChecked(`${api.url}/registry/community-only/`, undefined)
    expect([json.status, json.headers.get('vary')]).to.deep.equal([200, 'Accept'])
    expect(json.json).to.deep.equal({
      catalogue: '/registry/community-only/', docs: '/docs', openapi: '/registry/community-only/openapi.yaml',
      registry: '/registry/community-only/api/v1/registry/servers', servers: ['/registry/community-only/v0/servers', '/registry/community-only/v0.1/servers'],
    })
    const page = await fetch(`${api.url}/registry/community-only/`, { headers: { Accept: 'text/html' } })
    expect([page.status, page.headers.get('content-type')]).to.deep.equal([200, 'text/html; charset=utf-8'])
    const body = await page.text()
    expect(body).to.include('<a href="/registry/community-only/" title="Sources: community" aria-current="page">community-only</a>')
    const serverLinks = [...body.matchAll(/href="([^"]*\/ui\/servers\/[^"]*)"/g)].map((m) => m[1])
    expect(serverLinks.length).to.be.greaterThan(0)
    expect(serverLinks.every((h) => h?.startsWith('/registry/community-only/ui/servers/'))).to.equal(true)
  })

  it('has no views for a single-source snapshot', async () => {
    const single = await startApi(renderToolHiveForTests, fixtureSnapshot())
    try {
      const res = await getChecked(`${single.url}/registry/default/v0.1/servers`, undefined)
      expect(res.status).to.equal(404)
      const info = await getChecked(`${single.url}/api/v1/registry/info`, '/api/v1/registry/info')
      expect(info.json).to.not.have.property('views')
    } finally {
      await single.close()
    }
  })
})
