import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { expect } from 'chai'
import { makeTestTls, type TestTls } from '@thv/testkit'
import { KubeHttp, KubeHttpError, MaxKubeResponseBytes, type KubeWatchEvent } from './kube-http.js'
import { httpStatusOf } from './http-status.js'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('KubeHttp', () => {
  const servers: Server[] = []
  const clients: KubeHttp[] = []
  let handler: Handler = (_req, res) => res.end('{}')
  let base: string
  before(async () => {
    const server = createHttpServer((req, res) => handler(req, res))
    servers.push(server)
    base = `http://${await listen(server)}`
  })
  after(async () => {
    for (const c of clients) c.close()
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  })
  const client = (credentials: ConstructorParameters<typeof KubeHttp>[0]): KubeHttp => {
    const c = new KubeHttp(credentials)
    clients.push(c)
    return c
  }

  describe('over TLS (a CA made in the test)', () => {
    let tls: TestTls
    let origin: string
    before(async () => {
      tls = makeTestTls()
      // Requires a client certificate signed by the test CA (the server's own certificate serves as the client's).
      const server = createHttpsServer({ cert: tls.certPem, key: tls.keyPem, ca: tls.caPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate()
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ path: req.url, clientCN: peer.subject?.CN }))
      })
      servers.push(server)
      origin = `https://${await listen(server)}`
    })

    it('verifies the server against the CA and the TLS server name, and presents the client certificate', async () => {
      const http = client({ server: origin, ca: Buffer.from(tls.caPem), cert: Buffer.from(tls.certPem), key: Buffer.from(tls.keyPem), tlsServerName: 'localhost' })
      const body = await http.get<{ path: string; clientCN: string }>('/api/v1/namespaces/a%20b/configmaps', { fieldSelector: 'metadata.name=x', unused: undefined }, AbortSignal.timeout(10_000))
      expect(body).to.deep.equal({ path: '/api/v1/namespaces/a%20b/configmaps?fieldSelector=metadata.name%3Dx', clientCN: 'localhost' })
    })

    it('refuses a server its CA did not sign, with no HTTP status', async () => {
      const other = makeTestTls()
      const http = client({ server: origin, ca: Buffer.from(other.caPem), cert: Buffer.from(tls.certPem), key: Buffer.from(tls.keyPem), tlsServerName: 'localhost' })
      const err = await http.get('/api', {}, AbortSignal.timeout(10_000)).then(() => undefined, (e: unknown) => e)
      expect(err).to.be.instanceOf(KubeHttpError)
      expect((err as KubeHttpError).code).to.equal(0)
    })
  })

  it('sends the bearer token of its token file, read again for every request', async () => {
    const seen: (string | undefined)[] = []
    handler = (req, res) => {
      seen.push(req.headers.authorization)
      res.end('{}')
    }
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'thv-token-')), 'token')
    writeFileSync(tokenFile, 'first\n')
    const http = client({ server: base, tokenFile })
    await http.get('/api', {}, AbortSignal.timeout(10_000))
    writeFileSync(tokenFile, 'rotated')
    await http.get('/api', {}, AbortSignal.timeout(10_000))
    await client({ server: base }).get('/api', {}, AbortSignal.timeout(10_000))
    expect(seen).to.deep.equal(['Bearer first', 'Bearer rotated', undefined])
  })

  it('rejects an error answer with its status and the Status message, and never puts the token in the error', async () => {
    handler = (_req, res) => {
      res.statusCode = 403
      res.end(JSON.stringify({ kind: 'Status', message: 'configmaps "x" is forbidden', code: 403 }))
    }
    const err = await client({ server: base, token: 'hunter2' }).get('/api/v1/namespaces/n/configmaps/x', {}, AbortSignal.timeout(10_000)).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(KubeHttpError)
    expect(httpStatusOf(err)).to.equal(403)
    expect((err as Error).message).to.equal('GET /api/v1/namespaces/n/configmaps/x failed: HTTP 403: configmaps "x" is forbidden')
    expect(JSON.stringify(err) + String((err as Error).stack)).not.to.contain('hunter2')
    handler = (_req, res) => {
      res.statusCode = 502
      res.end('<html>bad gateway</html>')
    }
    expect(httpStatusOf(await client({ server: base }).get('/api', {}, AbortSignal.timeout(10_000)).catch((e: unknown) => e))).to.equal(502)
  })

  it('sends many requests with one signal at once without a MaxListenersExceededWarning', async () => {
    handler = (_req, res) => res.end('{}')
    const warnings: Error[] = []
    const onWarning = (w: Error): void => {
      warnings.push(w)
    }
    process.on('warning', onWarning)
    try {
      const http = client({ server: base })
      const signal = new AbortController().signal
      await Promise.all(Array.from({ length: 24 }, () => http.get('/api', {}, signal)))
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.map((w) => w.name)).to.deep.equal([])
  })

  it('rejects a body larger than MaxKubeResponseBytes', async () => {
    handler = (_req, res) => res.end(Buffer.alloc(MaxKubeResponseBytes + 1, 0x20))
    const err = await client({ server: base }).get('/api', {}, AbortSignal.timeout(10_000)).then(() => undefined, (e: unknown) => e)
    expect(String((err as Error).cause)).to.contain(`larger than ${MaxKubeResponseBytes} bytes`)
  })

  it('streams watch events in order, split anywhere across chunks, and resolves when the server ends the watch', async () => {
    const events = [
      { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' } } },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '2' } } },
      { type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '3' }, data: { k: 'é\n' } } },
    ]
    let query = ''
    handler = (req, res) => {
      query = req.url ?? ''
      const text = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n\n')
      // One byte at a time for the first event (splits a multi-byte character too), then the rest at once.
      const first = text.indexOf(0x0a) + 1
      let i = 0
      const next = (): void => {
        if (i < first) {
          res.write(text.subarray(i, i + 1))
          i++
          setImmediate(next)
        } else res.end(text.subarray(first))
      }
      next()
    }
    const got: KubeWatchEvent[] = []
    await client({ server: base }).watch('/api/v1/namespaces/n/configmaps', { resourceVersion: '1' }, (e) => got.push(e), AbortSignal.timeout(10_000), 10_000)
    expect(got).to.deep.equal(events)
    expect(query).to.equal('/api/v1/namespaces/n/configmaps?resourceVersion=1&watch=true')
  })

  it('ends a watch on which nothing arrives for idleMs, and one whose signal aborts, without an error', async () => {
    handler = (_req, res) => {
      res.write(`${JSON.stringify({ type: 'ADDED', object: {} })}\n`) // then silence
    }
    const got: KubeWatchEvent[] = []
    await client({ server: base }).watch('/w', {}, (e) => got.push(e), AbortSignal.timeout(10_000), 200)
    expect(got).to.have.length(1)
    const stop = new AbortController()
    const watching = client({ server: base }).watch('/w', {}, () => stop.abort(), stop.signal, 60_000)
    await watching
    expect(stop.signal.aborted).to.equal(true)
  })

  it('rejects a refused watch with its status, and a watch line that is not JSON', async () => {
    handler = (_req, res) => {
      res.statusCode = 410
      res.end(JSON.stringify({ kind: 'Status', code: 410, message: 'too old resource version' }))
    }
    const gone = await client({ server: base }).watch('/w', {}, () => undefined, AbortSignal.timeout(10_000), 10_000).then(() => undefined, (e: unknown) => e)
    expect(httpStatusOf(gone)).to.equal(410)
    handler = (_req, res) => res.end('not json\n')
    const garbled = await client({ server: base }).watch('/w', {}, () => undefined, AbortSignal.timeout(10_000), 10_000).then(() => undefined, (e: unknown) => e)
    expect(garbled).to.be.instanceOf(KubeHttpError)
  })
})
