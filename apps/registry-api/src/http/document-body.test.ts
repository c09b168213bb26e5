import { createHash } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { expect } from 'chai'
import Koa from 'koa'
import { rawGet } from '../../test/support/http-client.js'
import { SegmentBytes, SegmentedBytes } from '../snapshot/segmented-bytes.js'
import { CachedBody, strongEtag } from './cached-body.js'
import { DocumentBody, sendDocument, type KeepBody } from './document-body.js'
import { sendCached } from './send-cached.js'

const JsonType = 'application/json; charset=utf-8'

/** A document of several segments, with multi-byte characters (a segment boundary may fall inside one). */
const text = JSON.stringify({
  servers: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`server-${i}`, { description: `é☃ ${'x'.repeat(i % 97)} ${i}`, tags: ['a', String(i)] }])),
})
const bytes = Buffer.from(text, 'utf8')

function documentOf(keep: KeepBody | undefined): DocumentBody {
  return new DocumentBody(SegmentedBytes.compress(bytes), strongEtag(createHash('sha256').update(bytes)), JsonType, keep)
}

function withoutDate(headers: Record<string, string | string[] | undefined>): Record<string, unknown> {
  const { date: _date, ...rest } = headers
  return rest
}

describe('DocumentBody', () => {
  // The flat implementation (`sendCached` with a CachedBody of the same bytes) next to a streamed and a kept document.
  let server: Server
  let url: string
  let flat: CachedBody
  let streamed: DocumentBody
  let kept: DocumentBody
  let builds = 0
  before(async () => {
    expect(bytes.length).to.be.above(3 * SegmentBytes)
    flat = new CachedBody(bytes, JsonType)
    streamed = documentOf(undefined)
    let keptBody: CachedBody | undefined
    kept = documentOf((build) => {
      if (keptBody === undefined) {
        builds++
        keptBody = build()
      }
      return keptBody
    })
    const app = new Koa()
    app.use((ctx) => {
      if (ctx.path === '/flat') sendCached(ctx, flat, false)
      else sendDocument(ctx, ctx.path === '/kept' ? kept : streamed)
    })
    server = app.listen(0, '127.0.0.1')
    await new Promise<void>((resolve) => server.once('listening', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const encodings = [undefined, 'identity', 'gzip', 'br', 'gzip, br', 'br;q=0, gzip', '*', 'deflate']

  /** Asks the three for the document with every Accept-Encoding, plainly and with If-None-Match; returns the flat answers. */
  async function expectSameAnswers(): Promise<Map<string | undefined, Awaited<ReturnType<typeof rawGet>>>> {
    const answers = new Map<string | undefined, Awaited<ReturnType<typeof rawGet>>>()
    for (const acceptEncoding of encodings) {
      const headers: Record<string, string> = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }
      const reference = await rawGet(`${url}/flat`, headers)
      answers.set(acceptEncoding, reference)
      const etag = reference.headers['etag'] as string
      const conditional = { ...headers, 'if-none-match': etag }
      const notModified = await rawGet(`${url}/flat`, conditional)
      expect(notModified.status).to.equal(304)
      for (const path of ['/streamed', '/kept']) {
        const answer = await rawGet(`${url}${path}`, headers)
        expect([answer.status, withoutDate(answer.headers), answer.body], `${path} ${acceptEncoding}`)
          .to.deep.equal([reference.status, withoutDate(reference.headers), reference.body])
        const again = await rawGet(`${url}${path}`, conditional)
        expect([again.status, withoutDate(again.headers), again.body.length], `${path} ${acceptEncoding} if-none-match`)
          .to.deep.equal([304, withoutDate(notModified.headers), 0])
      }
    }
    return answers
  }

  it('answers identity to every Accept-Encoding until precompressed, as the flat body does', async () => {
    const answers = await expectSameAnswers()
    for (const answer of answers.values()) {
      expect([answer.headers['content-encoding'], answer.headers['content-length'], answer.headers['vary']]).to.deep.equal([undefined, String(bytes.length), 'Accept-Encoding'])
      expect(answer.body.equals(bytes)).to.equal(true)
    }
  })

  it('then answers the same gzip and br bytes and ETags as the flat body, decoding to the document', async () => {
    await Promise.all([flat.precompress(), streamed.precompress(), kept.precompress()])
    const answers = await expectSameAnswers()
    const gzip = answers.get('gzip')
    const br = answers.get('gzip, br')
    expect([gzip?.headers['content-encoding'], br?.headers['content-encoding']]).to.deep.equal(['gzip', 'br'])
    expect(gunzipSync(gzip?.body ?? Buffer.alloc(0)).equals(bytes)).to.equal(true)
    expect(brotliDecompressSync(br?.body ?? Buffer.alloc(0)).equals(bytes)).to.equal(true)
    const etag = flat.identity.etag
    expect([answers.get(undefined)?.headers['etag'], gzip?.headers['etag'], br?.headers['etag']])
      .to.deep.equal([etag, `${etag.slice(0, -1)}-gzip"`, `${etag.slice(0, -1)}-br"`])
  })

  it('inflates a kept document once, sharing its precompressed variants; a streamed one is never kept', async () => {
    expect(builds).to.equal(1)
    expect(streamed.kept()).to.equal(undefined)
    const body = kept.kept()
    expect(body?.bytes.equals(bytes)).to.equal(true)
    expect(body?.identity.etag).to.equal(flat.identity.etag)
    expect(body?.variant('br', false).variant).to.equal(kept.variant('br'))
  })

  it('precompresses a document of several MiB to the bytes the flat body precompresses (brotli is told the size)', async () => {
    // Brotli fed piece by piece without the size ahead writes other bytes from about 2 MiB of input on.
    const large = Buffer.from(JSON.stringify(Array.from({ length: 40_000 }, (_, i) => ({ name: `server-${i}`, n: (i * 7919) % 10007, d: 'é'.repeat(i % 50) }))))
    expect(large.length).to.be.above(3 * 1024 * 1024)
    const reference = new CachedBody(large, JsonType)
    const doc = new DocumentBody(SegmentedBytes.compress(large), reference.identity.etag, JsonType, undefined)
    await Promise.all([reference.precompress(), doc.precompress()])
    for (const coding of ['gzip', 'br'] as const) {
      expect(doc.variant(coding)?.bytes.equals(reference.variant(coding, false).variant.bytes), coding).to.equal(true)
    }
  })

  it('has no compressed variants below the compression threshold, like a CachedBody', async () => {
    const small = Buffer.from('{"servers":{}}')
    const doc = new DocumentBody(SegmentedBytes.compress(small), strongEtag(createHash('sha256').update(small)), JsonType, undefined)
    await doc.precompress()
    expect([doc.shouldCompress, doc.variant('gzip'), doc.variant('br')]).to.deep.equal([false, undefined, undefined])
    expect(doc.streamed().etag).to.equal(new CachedBody(small, JsonType).identity.etag)
  })
})
