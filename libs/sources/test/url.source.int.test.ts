import { gzipSync } from 'node:zlib'
import { expect } from 'chai'
import type {
  RemoteSourceError} from '../src/index.js';
import {
  EgressPolicy,
  SourceTooLargeError,
  UrlSourceHandler,
  type SyncResult,
  type UnchangedSyncResult,
} from '../src/index.js'
import { createSourceFixture, putConfigMap, readFixtureBytes, testSignal, type SourceFixture } from './harness.js'
import { countSockets, makeTestTls, startHttpsServer, testResolver, type TestHttpsServer, type TestTls } from '@thv/testkit'
import { putSecret, registryObject } from './remote-harness.js'

const NOW = new Date('2026-12-04T10:00:00Z')

describe('UrlSourceHandler (HTTPS on 127.0.0.1 with a test CA, Secrets on the real control plane)', function () {
  this.timeout(60_000)
  let tls: TestTls
  let other: TestTls
  let f: SourceFixture
  let server: TestHttpsServer | undefined
  const raw = readFixtureBytes('toolhive-registry.json')

  before(() => {
    tls = makeTestTls()
    other = makeTestTls()
  })
  beforeEach(async () => {
    f = await createSourceFixture('url-source')
    await putConfigMap(f, 'ca', { data: { 'ca.crt': tls.caPem, 'other.crt': other.caPem } })
  })
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  const policy = (extra: Record<string, string> = {}, options: { allowLoopback?: boolean } = {}) =>
    new EgressPolicy({ allowLoopback: options.allowLoopback ?? true, resolve: testResolver(extra) })
  const handler = (p = policy(), maxSourceBytes?: number) => new UrlSourceHandler(f.core, { policy: p, ...(maxSourceBytes === undefined ? {} : { maxSourceBytes }) })
  const urlRegistry = (endpoint: string, extra: Record<string, unknown> = {}) =>
    registryObject(f, 'remote', { source: { type: 'url', url: { endpoint, caCertRef: { name: 'ca', key: 'ca.crt' }, ...extra } } } as never)
  const full = (r: SyncResult | UnchangedSyncResult): SyncResult => {
    if (r.unchanged === true) throw new Error('expected a full sync')
    return r
  }
  const failure = async (p: Promise<unknown>): Promise<RemoteSourceError | SourceTooLargeError> => {
    try {
      await p
    } catch (err) {
      return err as RemoteSourceError
    }
    throw new Error('expected the sync to fail')
  }

  it('round-trips the ETag: a 304 is unchanged, a new ETag is a full sync', async () => {
    let etag = '"v1"'
    const seen: Array<string | undefined> = []
    server = await startHttpsServer(tls, (req, res) => {
      seen.push(req.headers['if-none-match'])
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end()
      res.writeHead(200, { etag, 'content-type': 'application/json' }).end(raw)
    })
    const h = handler()
    const reg = urlRegistry(`${server.origin}/registry.json`)
    const first = full(await h.sync(reg, testSignal(), { now: NOW }))
    expect(first.revision).to.equal('"v1"')
    expect(first.serverCount).to.be.greaterThan(0)
    expect(Buffer.from(first.raw).equals(raw)).to.equal(true)
    const second = await h.sync(reg, testSignal(), { now: NOW, previousHash: first.hash })
    expect(second).to.deep.equal({ unchanged: true, hash: first.hash, serverCount: first.serverCount, revision: '"v1"' })
    // Without the stored hash (storage lost or never written) the handler fetches in full.
    expect(full(await h.sync(reg, testSignal(), { now: NOW, previousHash: 'other' })).hash).to.equal(first.hash)
    etag = '"v2"'
    const third = full(await h.sync(reg, testSignal(), { now: NOW, previousHash: first.hash }))
    expect(third.revision).to.equal('"v2"')
    // A forgotten registry (deleted) starts over: no conditional request.
    h.forget(`${f.namespace}/remote`)
    expect(full(await h.sync(reg, testSignal(), { now: NOW, previousHash: third.hash })).hash).to.equal(third.hash)
    expect(seen).to.deep.equal([undefined, '"v1"', undefined, '"v1"', undefined])
  })

  it('round-trips Last-Modified with If-Modified-Since', async () => {
    const lastModified = 'Wed, 02 Dec 2026 10:00:00 GMT'
    server = await startHttpsServer(tls, (req, res) => {
      if (req.headers['if-modified-since'] === lastModified) return void res.writeHead(304).end()
      res.writeHead(200, { 'last-modified': lastModified }).end(raw)
    })
    const h = handler()
    const reg = urlRegistry(`${server.origin}/r.json`)
    const first = full(await h.sync(reg, testSignal(), { now: NOW }))
    expect(first.revision).to.equal(lastModified)
    expect((await h.sync(reg, testSignal(), { now: NOW, previousHash: first.hash })).unchanged).to.equal(true)
  })

  it('accepts a gzip transfer and gives the decoded bytes', async () => {
    let encoding: string | undefined
    server = await startHttpsServer(tls, (req, res) => {
      encoding = req.headers['accept-encoding']
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(raw))
    })
    const result = full(await handler().sync(urlRegistry(`${server.origin}/r.json`), testSignal(), { now: NOW }))
    expect(encoding).to.include('gzip')
    expect(Buffer.from(result.raw).equals(raw)).to.equal(true)
  })

  it('fails TLS with a wrong CA and without caCertRef (SourceTLSFailed)', async () => {
    server = await startHttpsServer(tls, (_req, res) => res.end(raw))
    const wrong = await failure(handler().sync(urlRegistry(`${server.origin}/r.json`, { caCertRef: { name: 'ca', key: 'other.crt' } }), testSignal()))
    expect(wrong.code).to.equal('SourceTLSFailed')
    expect(wrong.message).to.include(`url https://localhost:${server.port}/r.json`)
    const none = await failure(handler().sync(registryObject(f, 'r', { source: { type: 'url', url: { endpoint: `${server.origin}/r.json` } } } as never), testSignal()))
    expect(none.code).to.equal('SourceTLSFailed')
  })

  it('aborts an oversized body at the limit while streaming', async () => {
    let written = 0
    server = await startHttpsServer(tls, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      const pump = () => {
        while (written < 200 * 1024 * 1024) {
          written += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        res.end()
      }
      res.on('close', () => undefined)
      pump()
    })
    const err = await failure(handler(policy(), 1024 * 1024).sync(urlRegistry(`${server.origin}/big.json`), testSignal()))
    expect(err).to.be.instanceOf(SourceTooLargeError)
    expect(err.code).to.equal('SourceTooLarge')
    // The server could only push what fits into socket buffers before the client hung up: far below 200 MiB.
    expect(written).to.be.lessThan(32 * 1024 * 1024)
  })

  it('rejects a declared Content-Length above the limit before reading', async () => {
    server = await startHttpsServer(tls, (_req, res) => res.writeHead(200, { 'content-length': String(raw.length) }).end(raw))
    const err = await failure(handler(policy(), 1000).sync(urlRegistry(`${server.origin}/r.json`), testSignal()))
    expect(err.code).to.equal('SourceTooLarge')
    expect(err.message).to.include(`${raw.length} bytes, above the limit of 1000 bytes`)
  })

  it('hits the timeout on a slow body (SourceTimeout)', async () => {
    server = await startHttpsServer(tls, (_req, res) => {
      res.writeHead(200)
      res.write('{"version":')
    })
    const started = Date.now()
    const err = await failure(handler().sync(urlRegistry(`${server.origin}/slow.json`, { timeout: '1s' }), testSignal()))
    expect(err.code).to.equal('SourceTimeout')
    expect(err.message).to.include('timeout of 1 s')
    expect(Date.now() - started).to.be.lessThan(10_000)
  })

  it('follows a chain of 5 redirects and refuses a sixth', async () => {
    server = await startHttpsServer(tls, (req, res) => {
      const n = Number(/^\/hop\/(\d+)$/.exec(req.url ?? '')?.[1] ?? '-1')
      const limit = Number(req.headers['x-limit'] ?? '0')
      if (n >= 0 && n < limit) return void res.writeHead(302, { location: `/hop/${n + 1}` }).end()
      if (n === limit) return void res.end(raw)
      res.writeHead(404).end()
    })
    const reg = (limit: number) => urlRegistry(`${server?.origin}/hop/0`, { headersSecretRef: { name: `limit-${limit}` } })
    await putSecret(f, 'limit-5', { 'X-Limit': '5' })
    await putSecret(f, 'limit-6', { 'X-Limit': '6' })
    expect(full(await handler().sync(reg(5), testSignal(), { now: NOW })).serverCount).to.be.greaterThan(0)
    const err = await failure(handler().sync(reg(6), testSignal()))
    expect(err.code).to.equal('SourceHTTPError')
    expect(err.message).to.include('more than 5 redirects')
  })

  it('sends headers from a Secret, never naming their values in errors', async () => {
    server = await startHttpsServer(tls, (req, res) => {
      if (req.headers.authorization !== 'Bearer s3cret-token') return void res.writeHead(401).end()
      res.end(raw)
    })
    await putSecret(f, 'hdrs', { Authorization: 'Bearer s3cret-token' })
    await putSecret(f, 'bad-hdrs', { Authorization: 'Bearer wrong-s3cret' })
    const ok = full(await handler().sync(urlRegistry(`${server.origin}/r.json`, { headersSecretRef: { name: 'hdrs' } }), testSignal(), { now: NOW }))
    expect(ok.serverCount).to.be.greaterThan(0)
    const err = await failure(handler().sync(urlRegistry(`${server.origin}/r.json`, { headersSecretRef: { name: 'bad-hdrs' } }), testSignal()))
    expect(err.code).to.equal('SourceUnauthorized')
    expect(err.message).to.not.include('s3cret')
    const missing = await failure(handler().sync(urlRegistry(`${server.origin}/r.json`, { headersSecretRef: { name: 'nope' } }), testSignal()))
    expect(missing.message).to.include('Secret').and.include('nope').and.include('not found')
  })

  it('answers 404 as SourceNotFound naming the URL', async () => {
    server = await startHttpsServer(tls, (_req, res) => res.writeHead(404).end())
    const err = await failure(handler().sync(urlRegistry(`${server.origin}/missing.json`), testSignal()))
    expect(err.code).to.equal('SourceNotFound')
    expect(err.message).to.include('/missing.json')
  })

  describe('egress policy (no socket is opened to a refused address)', () => {
    it('refuses a name that resolves to the metadata address', async () => {
      const { sockets, result } = await countSockets(() =>
        handler(policy({ 'metadata.test': '169.254.169.254' })).sync(registryObject(f, 'm', { source: { type: 'url', url: { endpoint: 'https://metadata.test/latest/meta-data' } } } as never), testSignal()))
      expect(sockets).to.equal(0)
      expect(result.status).to.equal('rejected')
      const err = (result as PromiseRejectedResult).reason as RemoteSourceError
      expect(err.code).to.equal('SourceRefusedByPolicy')
      expect(err.message).to.include('metadata.test').and.include('rule link-local').and.include('169.254.169.254')
    })

    it('refuses a metadata IP literal, IPv6 link-local and a name with one bad address among good ones', async () => {
      const p = policy({ 'mixed.test': '169.254.169.254', 'v6.test': 'fe80::1' })
      for (const endpoint of ['https://169.254.169.254/x.json', 'https://v6.test/x.json', 'https://mixed.test/x.json', 'https://[::ffff:169.254.169.254]/x']) {
        const { sockets, result } = await countSockets(() => handler(p).sync(registryObject(f, 'm', { source: { type: 'url', url: { endpoint } } } as never), testSignal()))
        expect({ endpoint, sockets, code: ((result as PromiseRejectedResult).reason as RemoteSourceError).code }).to.deep.equal({ endpoint, sockets: 0, code: 'SourceRefusedByPolicy' })
      }
    })

    it('refuses loopback unless allowed, private ranges when denied, hosts outside the allow-list, and plain HTTP', async () => {
      const cases: Array<[EgressPolicy, string, string]> = [
        [policy({}, { allowLoopback: false }), 'https://localhost:1/x.json', 'rule loopback'],
        [new EgressPolicy({ denyPrivate: true, resolve: testResolver({ 'intranet.test': '10.1.2.3' }) }), 'https://intranet.test/x.json', 'rule private'],
        [new EgressPolicy({ allowedHosts: ['*.example.org'], resolve: testResolver() }), 'https://evil.test/x.json', 'rule allowed-source-hosts'],
        [policy(), 'http://localhost:1/x.json', 'rule insecure-http'],
      ]
      for (const [p, endpoint, rule] of cases) {
        const { sockets, result } = await countSockets(() => handler(p).sync(registryObject(f, 'm', { source: { type: 'url', url: { endpoint } } } as never), testSignal()))
        const err = (result as PromiseRejectedResult).reason as RemoteSourceError
        expect({ endpoint, sockets, code: err.code }).to.deep.equal({ endpoint, sockets: 0, code: 'SourceRefusedByPolicy' })
        expect(err.message).to.include(rule)
      }
    })

    it('re-checks a redirect target: a redirect to the metadata endpoint opens no socket to it', async () => {
      server = await startHttpsServer(tls, (_req, res) => res.writeHead(302, { location: 'https://metadata.test/latest/meta-data' }).end())
      const h = handler(policy({ 'metadata.test': '169.254.169.254' }))
      const { sockets, addresses, result } = await countSockets(() => h.sync(urlRegistry(`${server?.origin}/r.json`), testSignal()))
      const err = (result as PromiseRejectedResult).reason as RemoteSourceError
      expect(err.code).to.equal('SourceRefusedByPolicy')
      expect(err.message).to.include('metadata.test').and.include('rule link-local')
      // Connections went to the test server (and perhaps the API server for the CA ConfigMap), all on 127.0.0.1.
      expect(sockets).to.be.greaterThan(0)
      expect(addresses.length).to.equal(sockets)
      expect(addresses.every((a) => a === '127.0.0.1')).to.equal(true)
    })
  })
})
