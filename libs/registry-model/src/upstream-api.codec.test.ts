import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { decodeServerList, decodeServerResponse } from './upstream-api.codec.js'
import { decodeServerJsonArray } from './toolhive-upstream.codec.js'
import { clone, issuesOf } from '../test/support.js'

const server = { name: 'io.github.stacklok/fetch', description: 'Fetches web pages', version: '1.0.0', packages: [] }
const official = { status: 'active', publishedAt: '2025-12-15T09:12:03.551Z', updatedAt: '2025-12-15T09:12:03.551Z', isLatest: true }
const response = { server, _meta: { 'io.modelcontextprotocol.registry/official': official } }
const list = { servers: [response, { ...clone(response), server: { ...server, version: '0.9.0' } }], metadata: { count: 2, nextCursor: 'abc' } }
type Doc = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const editList = (f: (d: Doc) => void): unknown => { const d = clone(list) as Doc; f(d); return d }
const OFFICIAL = 'servers/0/_meta/"io.modelcontextprotocol.registry/official"'

describe('ServerListCodec', () => {
  it('decodes a list and keeps other registries\' _meta keys', () => {
    const doc = editList((d) => { d.servers[0]._meta['com.example/extra'] = { x: 1 } })
    expect(decodeServerList(doc)).to.deep.equal(E.right(doc))
  })

  const cases: ReadonlyArray<readonly [string, unknown, readonly string[]]> = [
    ['rejects a missing official block', editList((d) => { d.servers[0]._meta = {} }), [`${OFFICIAL}: is required`]],
    ['rejects an unknown field in the official block', editList((d) => { d.servers[0]._meta['io.modelcontextprotocol.registry/official'].serverId = 'x' }), [`${OFFICIAL}/serverId: unknown field`]],
    ['rejects an unknown status', editList((d) => { d.servers[0]._meta['io.modelcontextprotocol.registry/official'].status = 'Active' }), [`${OFFICIAL}/status: must be one of: active, deprecated, deleted; got string "Active"`]],
    ['rejects a non-RFC 3339 publishedAt', editList((d) => { d.servers[0]._meta['io.modelcontextprotocol.registry/official'].publishedAt = '15/12/2025' }), [`${OFFICIAL}/publishedAt: must be an RFC 3339 date-time such as 2025-09-30T00:17:43Z`]],
    ['rejects a missing isLatest', editList((d) => { delete d.servers[0]._meta['io.modelcontextprotocol.registry/official'].isLatest }), [`${OFFICIAL}/isLatest: is required`]],
    ['rejects a status message over 500 characters', editList((d) => { d.servers[0]._meta['io.modelcontextprotocol.registry/official'].statusMessage = 'm'.repeat(501) }), [`${OFFICIAL}/statusMessage: must be at most 500 characters long (got 501)`]],
    ['rejects a repeated name@version', editList((d) => { d.servers[1].server.version = '1.0.0' }), ['servers/1: duplicate of item 0 (same name@version "io.github.stacklok/fetch@1.0.0")']],
    ['rejects a negative count', editList((d) => { d.metadata.count = -1 }), ['metadata/count: must be an integer ≥ 0, got number -1']],
    ['rejects an unknown envelope field', editList((d) => { d.total = 2 }), ['total: unknown field']],
    ['rejects an invalid server inside the envelope', editList((d) => { d.servers[0].server.name = 'fetch' }), ['servers/0/server/name: must match the pattern ^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$, got string "fetch"']],
  ]
  for (const [title, doc, expected] of cases) {
    it(title, () => {
      const issues = issuesOf(decodeServerList(doc))
      expect(issues).to.deep.equal(expected)
    })
  }
})

describe('ServerResponseCodec', () => {
  it('decodes a response with an optional status message and change time', () => {
    const doc = clone(response) as Doc
    Object.assign(doc._meta['io.modelcontextprotocol.registry/official'], { status: 'deprecated', statusMessage: 'Use 2.0', statusChangedAt: '2026-01-01T00:00:00Z' })
    expect(decodeServerResponse(doc)).to.deep.equal(E.right(doc))
  })
  it('rejects a response without _meta', () => {
    expect(issuesOf(decodeServerResponse({ server }))).to.deep.equal(['_meta: is required'])
  })
})

describe('ServerJsonArrayCodec', () => {
  it('rejects a repeated name@version in a plain array', () => {
    expect(issuesOf(decodeServerJsonArray([server, server]))).to.deep.equal(['1: duplicate of item 0 (same name@version "io.github.stacklok/fetch@1.0.0")'])
  })
})
