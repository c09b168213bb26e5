import { expect } from 'chai'
import fc from 'fast-check'
import { startApi, type RunningApi } from '../../test/support/api-harness.js'
import { getChecked } from '../../test/support/http-client.js'
import { fixtureSnapshot, manyVersionsSnapshot, served } from '../../test/support/snapshots.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'
import type { ServedServerResponse, ServedSnapshot } from '../snapshot/served-snapshot.js'

const OFFICIAL = 'io.modelcontextprotocol.registry/official'

interface ListBody { servers: ServedServerResponse[]; metadata: { count: number; nextCursor?: string } }

/** The expected list, computed directly from the snapshot with plain filters (not through the code under test), as served. */
function expectedList(snapshot: ServedSnapshot, q: { search?: string; version?: string; updatedSince?: string }): ServedServerResponse[] {
  return snapshot.servers.filter((s) => {
    const meta = s._meta[OFFICIAL]
    if (meta.status === 'deleted' && q.updatedSince === undefined) return false
    if (q.version === 'latest' && !meta.isLatest) return false
    if (q.version !== undefined && q.version !== 'latest' && s.server.version !== q.version) return false
    if (q.updatedSince !== undefined && !(Date.parse(meta.updatedAt) > Date.parse(q.updatedSince))) return false
    if (q.search !== undefined) {
      const needle = q.search.toLowerCase()
      const hay = [s.server.name, s.server.title ?? '', s.server.description ?? ''].map((x) => x.toLowerCase())
      if (!hay.some((h) => h.includes(needle))) return false
    }
    return true
  }).map(served)
}

async function walk(api: RunningApi, prefix: string, params: Record<string, string>): Promise<{ items: ServedServerResponse[]; pages: ListBody[] }> {
  const items: ServedServerResponse[] = []
  const pages: ListBody[] = []
  let cursor: string | undefined
  for (let guard = 0; guard < 1000; guard++) {
    const qs = new URLSearchParams({ ...params, ...(cursor === undefined ? {} : { cursor }) })
    const res = await getChecked(`${api.url}${prefix}/servers?${qs.toString()}`, `${prefix}/servers`, { upstream: 'ServerList' })
    expect(res.status).to.equal(200)
    const body = res.json as ListBody
    pages.push(body)
    items.push(...body.servers)
    cursor = body.metadata.nextCursor
    if (cursor === undefined) return { items, pages }
  }
  throw new Error('pagination did not end')
}

describe('upstream servers routes (HTTP)', () => {
  let api: RunningApi
  let snapshot: ServedSnapshot
  before(async () => {
    snapshot = manyVersionsSnapshot()
    api = await startApi(renderToolHiveForTests, snapshot)
  })
  after(() => api.close())

  describe('pagination walks', () => {
    const queries: ReadonlyArray<Record<string, string>> = [
      {}, { search: 'GIT' }, { version: 'latest' }, { search: 'server', version: 'latest' }, { version: '1.0.7' },
    ]
    for (const limit of [1, 7, 30, 100]) {
      for (const q of queries) {
        it(`concatenated pages equal the full list (limit=${limit}, ${JSON.stringify(q)})`, async () => {
          const { items, pages } = await walk(api, '/v0.1', { ...q, limit: String(limit) })
          const expected = expectedList(snapshot, q)
          expect(items).to.deep.equal(expected)
          for (const page of pages) expect(page.metadata.count).to.equal(page.servers.length)
          for (const page of pages.slice(0, -1)) expect(page.servers.length).to.equal(limit)
          if (expected.length > 0) expect(pages[pages.length - 1]?.servers.length).to.be.greaterThan(0)
        })
      }
    }

    it('orders by name, then version in code-unit order (1.0.10 before 1.0.2)', async () => {
      const res = await getChecked(`${api.url}/v0/servers?limit=4`, '/v0/servers')
      expect((res.json as ListBody).servers.map((s) => s.server.version)).to.deep.equal(['1.0.0', '1.0.1', '1.0.10', '1.0.2'])
    })

    it('defaults to 30 items per page', async () => {
      const res = await getChecked(`${api.url}/v0.1/servers`, '/v0.1/servers')
      expect((res.json as ListBody).metadata.count).to.equal(30)
    })

    it('omits nextCursor when the last page is exactly full', async () => {
      const res = await getChecked(`${api.url}/v0.1/servers?version=latest&limit=12`, '/v0.1/servers')
      expect((res.json as ListBody).metadata).to.deep.equal({ count: 12 })
    })
  })

  describe('filters', () => {
    it('keeps only versions updated strictly after updated_since', async () => {
      const pivot = snapshot.servers[20]?._meta[OFFICIAL].updatedAt as string
      const { items } = await walk(api, '/v0.1', { updated_since: pivot, limit: '100' })
      expect(items).to.deep.equal(expectedList(snapshot, { updatedSince: pivot }))
      expect(items.map((s) => s._meta[OFFICIAL].updatedAt)).not.to.include(pivot)
    })

    it('accepts a numeric offset in updated_since', async () => {
      const res = await getChecked(`${api.url}/v0.1/servers?updated_since=${encodeURIComponent('2025-11-26T03:00:00+02:00')}&limit=100`, '/v0.1/servers')
      expect((res.json as ListBody).servers).to.deep.equal(expectedList(snapshot, { updatedSince: '2025-11-26T01:00:00Z' }))
    })

    it('searches title and description case-insensitively', async () => {
      const server = snapshot.servers[0]?.server as { description: string }
      const needle = server.description.slice(3, 15).toUpperCase()
      const { items } = await walk(api, '/v0.1', { search: needle, limit: '100' })
      expect(items).to.deep.equal(expectedList(snapshot, { search: needle }))
      expect(items.length).to.be.greaterThan(0)
    })
  })

  describe('bad parameters', () => {
    const invalid = (status: number, parameter: string, detail: string, value: string): Record<string, unknown> => ({
      type: 'urn:thv-registry:problem:invalid-parameter', title: status === 400 ? 'Bad Request' : 'Unprocessable Entity', status, detail,
      instance: '/v0.1/servers', error: detail, errors: [{ location: `query.${parameter}`, message: detail, value }],
    })
    const limitDetail = 'limit must be an integer from 1 to 100'
    const since = 'Invalid updated_since format: expected RFC3339 timestamp (e.g., 2025-08-07T13:15:04.280Z)'
    const cursor = 'Invalid cursor: pass the metadata.nextCursor value of a previous response unchanged'
    const cases: ReadonlyArray<[string, string, Record<string, unknown>]> = [
      ['limit=0', 'limit=0', invalid(422, 'limit', limitDetail, '0')],
      ['limit=101', 'limit=101', invalid(422, 'limit', limitDetail, '101')],
      ['limit=-1', 'limit=-1', invalid(422, 'limit', limitDetail, '-1')],
      ['limit=abc', 'limit=abc', invalid(422, 'limit', limitDetail, 'abc')],
      ['limit=1.5', 'limit=1.5', invalid(422, 'limit', limitDetail, '1.5')],
      ['empty limit', 'limit=', invalid(422, 'limit', limitDetail, '')],
      ['repeated limit', 'limit=1&limit=2', invalid(400, 'limit', 'limit must be given at most once', '1,2')],
      ['updated_since without zone', 'updated_since=2025-08-07T13:15:04', invalid(400, 'updated_since', since, '2025-08-07T13:15:04')],
      ['updated_since date only', 'updated_since=2025-08-07', invalid(400, 'updated_since', since, '2025-08-07')],
      ['updated_since February 30', 'updated_since=2025-02-30T00:00:00Z', invalid(400, 'updated_since', since, '2025-02-30T00:00:00Z')],
      ['updated_since garbage', 'updated_since=yesterday', invalid(400, 'updated_since', since, 'yesterday')],
      ['cursor not ours', 'cursor=io.github.x%2Fy%3A1.0.0', invalid(400, 'cursor', cursor, 'io.github.x/y:1.0.0')],
      ['cursor base64 of non-JSON', 'cursor=bm90IGpzb24', invalid(400, 'cursor', cursor, 'bm90IGpzb24')],
      ['include_deleted not boolean', 'include_deleted=yes', invalid(422, 'include_deleted', 'include_deleted must be true or false', 'yes')],
      ['include_deleted=false with updated_since', 'updated_since=2025-01-01T00:00:00Z&include_deleted=false',
        invalid(400, 'include_deleted', 'Cannot set include_deleted=false when using updated_since (incremental sync requires deleted servers)', 'false')],
    ]
    for (const [title, qs, body] of cases) {
      it(`answers ${title} with the exact problem`, async () => {
        const res = await getChecked(`${api.url}/v0.1/servers?${qs}`, '/v0.1/servers')
        expect(res.headers.get('content-type')).to.equal('application/problem+json')
        expect([res.status, res.json]).to.deep.equal([body['status'], body])
      })
    }

    it('never answers any query string with a 5xx (property)', async () => {
      const names = ['cursor', 'limit', 'search', 'updated_since', 'version', 'include_deleted', 'format']
      const param = fc.tuple(
        fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })),
        fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.base64String({ maxLength: 40 })),
      )
      const encode = fc.constantFrom((s: string) => encodeURIComponent(s), (s: string) => s.replace(/[#&\s]/g, ''))
      await fc.assert(fc.asyncProperty(fc.array(param, { maxLength: 5 }), encode, async (params, enc) => {
        const qs = params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')
        const res = await fetch(`${api.url}/v0.1/servers?${qs}`)
        await res.arrayBuffer()
        return res.status < 500
      }), { numRuns: 300 })
    })
  })
})

describe('upstream servers routes with the fixture snapshot (HTTP)', () => {
  let api: RunningApi
  before(async () => { api = await startApi(renderToolHiveForTests, fixtureSnapshot()) })
  after(() => api.close())

  it('lists deleted versions with include_deleted=true and with updated_since', async () => {
    const deleted = (body: unknown): string[] => (body as ListBody).servers.filter((s) => s._meta[OFFICIAL].status === 'deleted').map((s) => s.server.version)
    const plain = await getChecked(`${api.url}/v0.1/servers?limit=100`, '/v0.1/servers')
    const included = await getChecked(`${api.url}/v0.1/servers?limit=100&include_deleted=true`, '/v0.1/servers')
    const since = await getChecked(`${api.url}/v0.1/servers?limit=100&updated_since=2025-11-26T00:00:00Z`, '/v0.1/servers')
    expect([deleted(plain.json), deleted(included.json), deleted(since.json)]).to.deep.equal([[], ['0.1.0'], ['0.1.0']])
  })

  it('filters by exact version including build metadata (%2B in the query)', async () => {
    const res = await getChecked(`${api.url}/v0.1/servers?version=1.0.1%2Bbuild.7`, '/v0.1/servers', { upstream: 'ServerList' })
    expect((res.json as ListBody).servers.map((s) => `${s.server.name}@${s.server.version}`)).to.deep.equal(['io.github.stacklok/fetch@1.0.1+build.7'])
  })
})
