import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { expect } from 'chai'
import { parse } from 'yaml'
import { startApi, type RunningApi } from '../test/support/api-harness.js'
import { getChecked, rawGet } from '../test/support/http-client.js'
import { fixtureSnapshot, served } from '../test/support/snapshots.js'
import { renderToolHiveForTests } from '../test/support/toolhive.js'
import type { ServedServerResponse, ServedSnapshot } from './snapshot/served-snapshot.js'

const OFFICIAL = 'io.modelcontextprotocol.registry/official'

describe('registry API app (HTTP)', () => {
  let api: RunningApi
  let snapshot: ServedSnapshot
  before(async () => {
    snapshot = fixtureSnapshot()
    api = await startApi(renderToolHiveForTests, snapshot)
  })
  after(() => api.close())

  describe('probes and documents', () => {
    it('answers /health with status healthy', async () => {
      const res = await getChecked(`${api.url}/health`, '/health')
      expect([res.status, res.json]).to.deep.equal([200, { status: 'healthy' }])
    })

    it('answers /readiness with the served snapshot hash', async () => {
      const res = await getChecked(`${api.url}/readiness`, '/readiness')
      expect([res.status, res.json]).to.deep.equal([200, { status: 'ready', hash: snapshot.hash }])
    })

    it('answers /readiness with 503 until a snapshot is loaded', async () => {
      const empty = await startApi(renderToolHiveForTests)
      try {
        const res = await getChecked(`${empty.url}/readiness`, '/readiness')
        expect(res.status).to.equal(503)
        expect(res.headers.get('content-type')).to.equal('application/problem+json')
        expect(res.json).to.deep.equal({
          type: 'urn:thv-registry:problem:not-ready', title: 'Service Unavailable', status: 503,
          detail: 'No registry snapshot has been loaded yet', instance: '/readiness',
          error: 'No registry snapshot has been loaded yet',
        })
        const list = await getChecked(`${empty.url}/v0.1/servers`, '/v0.1/servers')
        expect(list.status).to.equal(503)
      } finally {
        await empty.close()
      }
    })

    it('serves an OpenAPI 3.1 document that ToolHive accepts as an MCP Registry API', async () => {
      const res = await getChecked(`${api.url}/openapi.yaml`, '/openapi.yaml')
      expect(res.status).to.equal(200)
      expect(res.headers.get('content-type')).to.equal('application/yaml; charset=utf-8')
      const doc = parse(res.text) as { openapi: string; info: { version: string; description: string } }
      expect(doc.openapi).to.equal('3.1.0')
      expect(doc.info.version).to.equal('1.0.0')
      expect(doc.info.description).to.contain('https://github.com/modelcontextprotocol/registry')
    })
  })

  describe('/api/v1/registry', () => {
    it('reports registry info', async () => {
      const res = await getChecked(`${api.url}/api/v1/registry/info`, '/api/v1/registry/info')
      expect(res.json).to.deep.equal({
        name: 'fixture', namespace: 'toolhive-system', source: { type: 'file', ref: 'fixture.json' }, format: 'upstream',
        serverCount: 12, versionCount: 16, deployedServerCount: 1, lastSyncTime: '2025-11-26T00:30:00Z',
        hash: snapshot.hash, sourceHash: snapshot.registry.sourceHash,
      })
    })

    it('serves every non-deleted version as an upstream ServerList with format=upstream', async () => {
      const res = await getChecked(`${api.url}/api/v1/registry/servers?format=upstream`, '/api/v1/registry/servers', { upstream: 'ServerList' })
      const expected = snapshot.servers.filter((s) => s._meta[OFFICIAL].status !== 'deleted').map(served)
      expect(res.json).to.deep.equal({ servers: expected, metadata: { count: 15 } })
    })

    it('lists deployed servers and finds them by registry entry name (%2F encoded)', async () => {
      const all = await getChecked(`${api.url}/api/v1/registry/servers/deployed`, '/api/v1/registry/servers/deployed')
      expect(all.json).to.deep.equal(snapshot.deployedServers)
      const one = await getChecked(`${api.url}/api/v1/registry/servers/deployed/io.github.stacklok%2Ffetch`, '/api/v1/registry/servers/deployed/{name}')
      expect(one.json).to.deep.equal(snapshot.deployedServers)
      const none = await getChecked(`${api.url}/api/v1/registry/servers/deployed/nothing`, '/api/v1/registry/servers/deployed/{name}')
      expect(none.status).to.equal(404)
    })

    it('returns the latest version of one entry with format=upstream', async () => {
      const res = await getChecked(`${api.url}/api/v1/registry/servers/io.github.stacklok%2Ffetch?format=upstream`, '/api/v1/registry/servers/{name}', { upstream: 'ServerResponse' })
      expect((res.json as { server: { version: string } }).server.version).to.equal('1.0.1+build.7')
    })

    it('finds an entry by its ToolHive key with format=upstream too', async () => {
      const byKey = await getChecked(`${api.url}/api/v1/registry/servers/fetch?format=upstream`, '/api/v1/registry/servers/{name}', { upstream: 'ServerResponse' })
      const byName = await getChecked(`${api.url}/api/v1/registry/servers/io.github.stacklok%2Ffetch?format=upstream`, '/api/v1/registry/servers/{name}', { upstream: 'ServerResponse' })
      expect(byKey.status).to.equal(200)
      expect(byKey.json).to.deep.equal(byName.json)
    })

    it('answers 404 for an unknown entry and 400 naming format for a bad format', async () => {
      const missing = await getChecked(`${api.url}/api/v1/registry/servers/nope?format=upstream`, '/api/v1/registry/servers/{name}')
      expect(missing.json).to.deep.equal({
        type: 'urn:thv-registry:problem:not-found', title: 'Not Found', status: 404, detail: 'Server not found: "nope"',
        instance: '/api/v1/registry/servers/nope', error: 'Server not found: "nope"',
      })
      const bad = await getChecked(`${api.url}/api/v1/registry/servers?format=xml`, '/api/v1/registry/servers')
      expect(bad.json).to.deep.equal({
        type: 'urn:thv-registry:problem:invalid-parameter', title: 'Bad Request', status: 400,
        detail: 'format must be toolhive or upstream', instance: '/api/v1/registry/servers',
        error: 'format must be toolhive or upstream', errors: [{ location: 'query.format', message: 'format must be toolhive or upstream', value: 'xml' }],
      })
    })

    it('answers an empty format with 400 naming format, as the parameter enum says (document and entry)', async () => {
      for (const [path, template] of [['/api/v1/registry/servers', '/api/v1/registry/servers'], ['/api/v1/registry/servers/fetch', '/api/v1/registry/servers/{name}']] as const) {
        const res = await getChecked(`${api.url}${path}?format=`, template)
        expect(res.headers.get('content-type')).to.equal('application/problem+json')
        expect([res.status, res.json]).to.deep.equal([400, {
          type: 'urn:thv-registry:problem:invalid-parameter', title: 'Bad Request', status: 400,
          detail: 'format must be toolhive or upstream', instance: path,
          error: 'format must be toolhive or upstream', errors: [{ location: 'query.format', message: 'format must be toolhive or upstream', value: '' }],
        }])
      }
    })
  })

  describe('/v0 and /v0.1 server versions', () => {
    for (const prefix of ['/v0', '/v0.1']) {
      it(`lists all versions of a %2F-encoded name newest first (${prefix})`, async () => {
        const res = await getChecked(`${api.url}${prefix}/servers/io.github.stacklok%2Ffetch/versions`, `${prefix}/servers/{serverName}/versions`, { upstream: 'ServerList' })
        const body = res.json as { servers: { server: { version: string } }[]; metadata: unknown }
        expect(body.servers.map((s) => s.server.version)).to.deep.equal(['1.0.1+build.7', '1.0.0', '0.9.0'])
        expect(body.metadata).to.deep.equal({ count: 3 })
      })

      it(`returns latest, an exact version, and a version with + raw or %2B-encoded (${prefix})`, async () => {
        const base = `${api.url}${prefix}/servers/io.github.stacklok%2Ffetch/versions`
        const template = `${prefix}/servers/{serverName}/versions/{version}`
        const versionOf = async (v: string): Promise<unknown> =>
          ((await getChecked(`${base}/${v}`, template, { upstream: 'ServerResponse' })).json as { server: { version: string } }).server.version
        expect(await versionOf('latest')).to.equal('1.0.1+build.7')
        expect(await versionOf('0.9.0')).to.equal('0.9.0')
        expect(await versionOf('1.0.1+build.7')).to.equal('1.0.1+build.7')
        expect(await versionOf('1.0.1%2Bbuild.7')).to.equal('1.0.1+build.7')
      })
    }

    it('returns the exact stored item with the official _meta block', async () => {
      const res = await getChecked(`${api.url}/v0.1/servers/io.github.stacklok%2Fgithub/versions/0.5.0`, '/v0.1/servers/{serverName}/versions/{version}')
      const expected = snapshot.servers.find((s) => s.server.name === 'io.github.stacklok/github' && s.server.version === '0.5.0')
      expect(res.json).to.deep.equal(served(expected as ServedServerResponse))
      const official = (res.json as { _meta: Record<string, Record<string, unknown>> })._meta[OFFICIAL]
      expect(official).to.deep.include({ status: 'deprecated', isLatest: false })
      // The snapshot records no status change for it, so the status dates from its publication, as upstream says.
      expect(Object.keys(official ?? {})).to.deep.equal(['status', 'statusChangedAt', 'publishedAt', 'updatedAt', 'isLatest'])
      expect(official?.['statusChangedAt']).to.equal(expected?._meta[OFFICIAL].publishedAt)
    })

    it('hides deleted versions unless include_deleted=true', async () => {
      const url = `${api.url}/v0.1/servers/io.github.stacklok%2Ffetch/versions/0.1.0`
      expect((await getChecked(url, '/v0.1/servers/{serverName}/versions/{version}')).status).to.equal(404)
      expect((await getChecked(`${url}?include_deleted=true`, '/v0.1/servers/{serverName}/versions/{version}')).status).to.equal(200)
    })

    it('answers 404 "Server not found" for an unknown name or version', async () => {
      for (const path of ['/v0.1/servers/io.github.x%2Fnope/versions', '/v0.1/servers/io.github.stacklok%2Ffetch/versions/9.9.9']) {
        const template = path.endsWith('/versions') ? '/v0.1/servers/{serverName}/versions' : '/v0.1/servers/{serverName}/versions/{version}'
        const res = await getChecked(`${api.url}${path}`, template)
        expect(res.json).to.deep.equal({
          type: 'urn:thv-registry:problem:not-found', title: 'Not Found', status: 404, detail: 'Server not found', instance: path, error: 'Server not found',
        })
      }
    })
  })

  describe('errors', () => {
    it('answers an unknown route with a 404 problem', async () => {
      const res = await getChecked(`${api.url}/v1/nothing`, undefined)
      expect(res.status).to.equal(404)
      expect(res.headers.get('content-type')).to.equal('application/problem+json')
      expect(res.json).to.deep.equal({
        type: 'about:blank', title: 'Not Found', status: 404, detail: 'No resource matches GET /v1/nothing', instance: '/v1/nothing', error: 'No resource matches GET /v1/nothing',
      })
    })

    it('answers a wrong method with 405 and Allow', async () => {
      const res = await getChecked(`${api.url}/v0.1/servers`, undefined, { method: 'POST' })
      expect(res.status).to.equal(405)
      expect(res.headers.get('allow')).to.equal('HEAD, GET')
      expect(res.json).to.deep.equal({
        type: 'about:blank', title: 'Method Not Allowed', status: 405,
        detail: 'Method POST is not allowed on /v0.1/servers; allowed: HEAD, GET', instance: '/v0.1/servers',
        error: 'Method POST is not allowed on /v0.1/servers; allowed: HEAD, GET',
      })
    })

    it('answers a method no route implements (TRACE) on a known path with 405 and Allow, not 501', async () => {
      // fetch refuses TRACE as a forbidden method, so this goes through node:http.
      const { status, allow, body } = await new Promise<{ status: number; allow: string | undefined; body: string }>((resolve, reject) => {
        const req = httpRequest(`${api.url}/v0.1/servers`, { method: 'TRACE' }, (res) => {
          let text = ''
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () =>
            resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body: text }))
        })
        req.on('error', reject).end()
      })
      expect({ status, allow, body: JSON.parse(body) }).to.deep.equal({
        status: 405,
        allow: 'HEAD, GET',
        body: {
          type: 'about:blank', title: 'Method Not Allowed', status: 405,
          detail: 'Method TRACE is not allowed on /v0.1/servers; allowed: HEAD, GET', instance: '/v0.1/servers',
          error: 'Method TRACE is not allowed on /v0.1/servers; allowed: HEAD, GET',
        },
      })
    })

    it('answers a malformed percent-escape in the name with 400', async () => {
      const res = await getChecked(`${api.url}/v0.1/servers/io.github.x%ZZ/versions`, undefined)
      expect(res.status).to.equal(400)
      expect((res.json as { detail: string }).detail).to.equal('Invalid percent-encoding in path "/v0.1/servers/io.github.x%ZZ/versions"')
    })

    it('answers an oversize request target with 414', async () => {
      const res = await getChecked(`${api.url}/v0.1/servers?search=${'a'.repeat(9000)}`, undefined)
      expect([res.status, (res.json as { title: string }).title]).to.deep.equal([414, 'URI Too Long'])
    })

    it('answers an oversize declared body with 413', async () => {
      const res = await fetch(`${api.url}/v0.1/servers`, { method: 'POST', body: 'x'.repeat(70 * 1024) })
      expect([res.status, ((await res.json()) as { title: string }).title]).to.deep.equal([413, 'Payload Too Large'])
    })

    it('answers an oversize header section with a 431 problem', async () => {
      const answer = await new Promise<string>((resolve, reject) => {
        const { port } = new URL(api.url)
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`GET /v0.1/servers HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`)
        })
        let data = ''
        socket.on('data', (c: Buffer) => { data += c.toString('utf8') })
        socket.on('end', () => resolve(data))
        socket.on('error', reject)
      })
      expect(answer.split('\r\n')[0]).to.equal('HTTP/1.1 431 Request Header Fields Too Large')
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).to.deep.include({ status: 431, title: 'Request Header Fields Too Large' })
    })
  })

  describe('caching and compression', () => {
    it('answers If-None-Match with 304 and a changed tag with 200', async () => {
      const url = `${api.url}/v0.1/servers?limit=5`
      const first = await rawGet(url)
      const etag = first.headers['etag'] as string
      expect(etag).to.match(/^"[A-Za-z0-9_-]{32}"$/)
      expect(first.headers['cache-control']).to.equal('no-cache')
      const again = await rawGet(url, { 'if-none-match': etag })
      expect([again.status, again.body.length, again.headers['etag']]).to.deep.equal([304, 0, etag])
      const stale = await rawGet(url, { 'if-none-match': '"other"' })
      expect(stale.status).to.equal(200)
    })

    it('streams the upstream document uncompressed even when asked for gzip (it is never held whole), with its ETag and length', async () => {
      const url = `${api.url}/api/v1/registry/servers?format=upstream`
      const identity = await rawGet(url)
      const gz = await rawGet(url, { 'accept-encoding': 'gzip' })
      expect([gz.status, gz.headers['content-encoding']]).to.deep.equal([200, undefined])
      expect(gz.body.equals(identity.body)).to.equal(true)
      expect(identity.headers['content-length']).to.equal(String(identity.body.length))
      const again = await rawGet(url, { 'if-none-match': identity.headers['etag'] as string })
      expect([again.status, again.body.length, again.headers['etag']]).to.deep.equal([304, 0, identity.headers['etag']])
    })

    it('serves br and gzip when asked, identical to the identity body after decoding', async () => {
      const url = `${api.url}/api/v1/registry/servers`
      const identity = await rawGet(url)
      await api.store.current?.precompress()
      const br = await rawGet(url, { 'accept-encoding': 'gzip, br' })
      const gz = await rawGet(url, { 'accept-encoding': 'gzip;q=1, br;q=0' })
      expect([br.headers['content-encoding'], gz.headers['content-encoding'], identity.headers['content-encoding']]).to.deep.equal(['br', 'gzip', undefined])
      expect(brotliDecompressSync(br.body).equals(identity.body)).to.equal(true)
      expect(gunzipSync(gz.body).equals(identity.body)).to.equal(true)
      expect(new Set([br.headers['etag'], gz.headers['etag'], identity.headers['etag']]).size).to.equal(3)
      expect(br.headers['vary']).to.equal('Accept-Encoding')
    })
  })

  describe('/metrics', () => {
    it('counts requests by route template, never by raw path', async () => {
      await fetch(`${api.url}/v0.1/servers/io.github.stacklok%2Ffetch/versions/latest`)
      const res = await getChecked(`${api.url}/metrics`, '/metrics')
      expect(res.text).to.match(/thv_registry_http_request_duration_seconds_count\{method="GET",route="\/v0\.1\/servers\/:serverName\/versions\/:version",code="200"\} \d+/)
      expect(res.text).not.to.contain('io.github.stacklok')
    })
  })
})
