import { createHash } from 'node:crypto'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { toToolHiveRegistry } from '@thv/converters'
import { expect } from 'chai'
import { startApi, type RunningApi } from '../../test/support/api-harness.js'
import { rawGet } from '../../test/support/http-client.js'
import { fixtureSnapshot } from '../../test/support/snapshots.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'
import { strongEtag } from '../http/cached-body.js'
import { SegmentBytes } from '../snapshot/segmented-bytes.js'

describe('RegistryView: the ToolHive document (HTTP)', () => {
  const snapshot = fixtureSnapshot()
  const document = toToolHiveRegistry(snapshot)
  const text = JSON.stringify(document)
  const etag = strongEtag(createHash('sha256').update(text))
  // One API keeps the document (the default bound), the other streams it (a document larger than 64 bytes).
  let kept: RunningApi
  let streamed: RunningApi
  before(async () => {
    kept = await startApi(renderToolHiveForTests, snapshot)
    streamed = await startApi(renderToolHiveForTests, snapshot, undefined, { viewOptions: { maxKeptDocumentBytes: 64 } })
  })
  after(async () => {
    await kept.close()
    await streamed.close()
  })

  it('keeps the document under the bound and streams it above', () => {
    expect(Buffer.byteLength(text)).to.be.above(64).and.below(SegmentBytes * 16)
    expect(kept.store.current?.toolHiveDocument.kept()?.bytes.toString('utf8')).to.equal(text)
    expect(streamed.store.current?.toolHiveDocument.kept()).to.equal(undefined)
  })

  it('answers the JSON.stringify of the rendered document with the same headers kept or streamed, and 304 on its ETag', async () => {
    for (const api of [streamed, kept]) {
      const url = `${api.url}/api/v1/registry/servers`
      const res = await rawGet(url)
      expect(res.body.toString('utf8')).to.equal(text)
      expect([res.status, res.headers['etag'], res.headers['content-length'], res.headers['content-type'], res.headers['vary'], res.headers['cache-control']])
        .to.deep.equal([200, etag, String(Buffer.byteLength(text)), 'application/json; charset=utf-8', 'Accept-Encoding', 'no-cache'])
      const again = await rawGet(url, { 'if-none-match': `"other", W/${etag}` })
      expect([again.status, again.body.length, again.headers['etag']]).to.deep.equal([304, 0, etag])
    }
  })

  it('answers gzip and br once precompressed, decoding to the document, with the suffixed ETags and their 304s', async () => {
    await Promise.all([streamed.store.current?.precompress(), kept.store.current?.precompress()])
    const answers: Buffer[] = []
    // The plain path was answered before (the keeping API's response memo replays it now), `?format=toolhive` was not.
    for (const [api, path] of [[streamed, ''], [streamed, '?format=toolhive'], [kept, ''], [kept, '?format=toolhive']] as const) {
      const url = `${api.url}/api/v1/registry/servers${path}`
      for (const [accept, coding, decode] of [['gzip', 'gzip', gunzipSync], ['gzip, br', 'br', brotliDecompressSync]] as const) {
        const res = await rawGet(url, { 'accept-encoding': accept })
        expect([res.status, res.headers['content-encoding'], res.headers['etag'], res.headers['content-length'], res.headers['vary']])
          .to.deep.equal([200, coding, `${etag.slice(0, -1)}-${coding}"`, String(res.body.length), 'Accept-Encoding'])
        expect(decode(res.body).toString('utf8')).to.equal(text)
        answers.push(res.body)
        const again = await rawGet(url, { 'accept-encoding': accept, 'if-none-match': res.headers['etag'] as string })
        expect([again.status, again.body.length]).to.deep.equal([304, 0])
      }
    }
    // The streaming API and the keeping one compressed the same bytes.
    for (let i = 2; i < answers.length; i++) expect(answers[i]?.equals(answers[i % 2] as Buffer), String(i)).to.equal(true)
  })

  it('answers each entry by its key from the deflated document', async () => {
    const entries = [...Object.entries(document.servers), ...Object.entries(document.remote_servers ?? {})]
    expect(entries.length).to.be.above(5)
    for (const [key, entry] of entries) {
      const res = await rawGet(`${streamed.url}/api/v1/registry/servers/${encodeURIComponent(key)}`)
      expect([res.status, JSON.parse(res.body.toString('utf8'))], key).to.deep.equal([200, { name: key, ...entry }])
    }
  })
})
