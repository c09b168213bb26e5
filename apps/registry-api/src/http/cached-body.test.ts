import { gunzipSync } from 'node:zlib'
import { expect } from 'chai'
import { CachedBody } from './cached-body.js'

describe('CachedBody', () => {
  const text = JSON.stringify({ servers: Array.from({ length: 50 }, (_, i) => ({ name: `io.github.example/server-${i}` })) })

  it('compresses a variant once and serves the same bytes afterwards', () => {
    const body = CachedBody.json(text)
    const first = body.variant('gzip', true)
    const again = body.variant('gzip', true)
    expect(first.coding).to.equal('gzip')
    expect(again.variant).to.equal(first.variant)
    expect(gunzipSync(first.variant.bytes).toString('utf8')).to.equal(text)
  })

  it('serves identity for a coding not computed yet when lazy compression is off, then the precompressed variant', async () => {
    const body = CachedBody.json(text)
    expect(body.variant('br', false).coding).to.equal('identity')
    await body.precompress()
    expect(body.variant('br', false).coding).to.equal('br')
  })

  it('never compresses a body below the threshold', () => {
    expect(CachedBody.json('{"status":"healthy"}').variant('gzip', true).coding).to.equal('identity')
  })
})
