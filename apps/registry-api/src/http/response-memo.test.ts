import { request } from 'node:http'
import { expect } from 'chai'
import { startApi, type RunningApi } from '../../test/support/api-harness.js'
import { rawGet } from '../../test/support/http-client.js'
import { fixtureSnapshot, snapshotOf } from '../../test/support/snapshots.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'
import type { ListQuery } from '../query/list-query.js'
import type { ServedView } from '../views/registry-view.js'
import { CachedBody } from './cached-body.js'
import { ResponseMemo } from './response-memo.js'

describe('ResponseMemo', () => {
  const body = (text: string): CachedBody => CachedBody.json(text)
  const setup = (options = { maxEntries: 10, maxBytes: 1000 }): { memo: ResponseMemo; swap(to: object): void } => {
    const cell = { generation: {} as object }
    return { memo: new ResponseMemo(() => cell.generation, options), swap: (to) => { cell.generation = to } }
  }

  it('answers a remembered target with the route and body it was first answered with', () => {
    const { memo } = setup()
    const b = body('{"a":1}')
    memo.remember(memo.begin(), '/v0.1/servers?limit=5', { route: '/v0.1/servers', body: b, lazyCompress: true })
    expect(memo.lookup('/v0.1/servers?limit=5')).to.deep.equal({ route: '/v0.1/servers', body: b, lazyCompress: true })
    expect(memo.lookup('/v0.1/servers?limit=6')).to.equal(undefined)
  })

  it('forgets everything when the generation (the served view) changes', () => {
    const { memo, swap } = setup()
    memo.remember(memo.begin(), '/health', { route: '/health', body: body('{}'), lazyCompress: true })
    swap({})
    expect([memo.lookup('/health'), memo.size]).to.deep.equal([undefined, 0])
  })

  it('ignores an answer computed under a previous generation', () => {
    const { memo, swap } = setup()
    const started = memo.begin()
    swap({})
    memo.remember(started, '/health', { route: '/health', body: body('{}'), lazyCompress: true })
    expect(memo.lookup('/health')).to.equal(undefined)
  })

  it('evicts the least recently used targets beyond its byte bound (target plus body)', () => {
    const { memo } = setup({ maxEntries: 10, maxBytes: 30 })
    const generation = memo.begin()
    memo.remember(generation, '/a', { route: '/a', body: body('1234567890'), lazyCompress: true }) // 12 bytes
    memo.remember(generation, '/b', { route: '/b', body: body('1234567890'), lazyCompress: true })
    memo.lookup('/a')
    memo.remember(generation, '/c', { route: '/c', body: body('1234567890'), lazyCompress: true })
    expect([memo.lookup('/a')?.route, memo.lookup('/b'), memo.lookup('/c')?.route]).to.deep.equal(['/a', undefined, '/c'])
  })
})

describe('response memo over HTTP', () => {
  let api: RunningApi
  let listPages = 0
  before(async () => {
    // Counts how often a route computes a list page, to see which requests were answered from the memo.
    const counting = new WeakMap<ServedView, ServedView>()
    const countingView = (view: ServedView): ServedView => {
      const listPage = (query: ListQuery): CachedBody => {
        listPages++
        return view.listPage(query)
      }
      const found = counting.get(view) ?? new Proxy(view, {
        get: (target, property) => {
          if (property === 'listPage') return listPage
          const value: unknown = Reflect.get(target, property, target)
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
        },
      })
      counting.set(view, found)
      return found
    }
    api = await startApi(renderToolHiveForTests, fixtureSnapshot(), (store) => ({
      get current() {
        const view = store.current
        return view === undefined ? undefined : countingView(view)
      },
      named: () => undefined,
      restricted: () => undefined,
      restrictionFor: (base) => base,
    }))
  })
  after(() => api.close())

  const withoutDate = (headers: Record<string, string | string[] | undefined>): Record<string, unknown> => {
    const { date: _date, ...rest } = headers
    return rest
  }

  it('answers a repeated GET with the same status, headers and bytes, without computing it again', async () => {
    const url = `${api.url}/v0.1/servers?limit=3`
    const before = listPages
    const encodings: Record<string, string>[] = [{}, { 'accept-encoding': 'gzip' }, { 'accept-encoding': 'br' }]
    for (const headers of encodings) {
      const first = await rawGet(url, headers)
      const again = await rawGet(url, headers)
      expect(first.status).to.equal(200)
      expect([again.status, withoutDate(again.headers), again.body]).to.deep.equal([first.status, withoutDate(first.headers), first.body])
      const notModified = await rawGet(url, { ...headers, 'if-none-match': first.headers['etag'] as string })
      expect([notModified.status, notModified.body.length, notModified.headers['etag']]).to.deep.equal([304, 0, first.headers['etag']])
    }
    expect(listPages - before).to.equal(1)
  })

  it('counts replayed requests under their route template and status', async () => {
    const url = `${api.url}/v0.1/servers/io.github.stacklok%2Ffetch/versions`
    for (let i = 0; i < 3; i++) expect((await rawGet(url)).status).to.equal(200)
    const metrics = await api.metrics.registry.getSingleMetricAsString('thv_registry_http_request_duration_seconds')
    expect(metrics).to.contain('thv_registry_http_request_duration_seconds_count{method="GET",route="/v0.1/servers/:serverName/versions",code="200"} 3')
  })

  it('still applies the declared body limit to a memoized target', async () => {
    const url = `${api.url}/v0.1/servers?limit=3`
    await rawGet(url)
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { headers: { 'content-length': String(70 * 1024) } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end('x'.repeat(70 * 1024))
    })
    expect(status).to.equal(413)
  })

  it('answers HEAD and errors through the router, never from the memo', async () => {
    const url = `${api.url}/v0.1/servers?limit=3`
    const get = await rawGet(url)
    const head = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      request(url, { method: 'HEAD' }, (res) => {
        res.resume()
        resolve({ status: res.statusCode ?? 0, headers: res.headers })
      }).on('error', reject).end()
    })
    expect([head.status, head.headers['etag'], head.headers['content-length']]).to.deep.equal([200, get.headers['etag'], String(get.body.length)])
    for (let i = 0; i < 2; i++) expect((await rawGet(`${api.url}/v0.1/servers?limit=0`)).status).to.equal(422)
  })

  it('serves the new snapshot right after a swap', async () => {
    const url = `${api.url}/v0.1/servers?limit=100`
    const old = JSON.parse((await rawGet(url)).body.toString('utf8')) as { metadata: { count: number } }
    // The API serves fixtureSnapshot(); this one lacks io.github.stacklok/fetch (3 visible versions).
    api.store.offer(snapshotOf(fixtureSnapshot().servers.filter((s) => s.server.name !== 'io.github.stacklok/fetch')))
    const fresh = JSON.parse((await rawGet(url)).body.toString('utf8')) as { metadata: { count: number } }
    expect(fresh.metadata.count).to.equal(old.metadata.count - 3)
  })
})
