import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { CataloguePageSize, parseCatalogueQuery } from './catalogue-query.js'

function problemOf(raw: Record<string, string | string[]>): { status: number; detail: string } {
  const result = parseCatalogueQuery(raw)
  if (E.isRight(result)) throw new Error('expected a problem')
  return { status: result.left.status, detail: result.left.detail }
}

describe('parseCatalogueQuery', () => {
  it('reads every parameter and treats empty form fields as not given', () => {
    expect(parseCatalogueQuery({ q: 'git', tag: 'database', transport: 'sse', kind: 'remote', status: 'Active', page: '3' }))
      .to.deep.equal(E.right({ q: 'git', tag: 'database', transport: 'sse', kind: 'remote', status: 'Active', page: 3, pageSize: CataloguePageSize }))
    expect(parseCatalogueQuery({ q: '', tag: '' })).to.deep.equal(E.right({
      q: undefined, tag: undefined, transport: undefined, kind: undefined, status: undefined, page: 1, pageSize: CataloguePageSize,
    }))
  })

  it('answers 400 naming the parameter for bad values', () => {
    expect(problemOf({ kind: 'vm' })).to.deep.equal({ status: 400, detail: 'kind must be one of container, remote' })
    expect(problemOf({ transport: 'http' })).to.deep.equal({ status: 400, detail: 'transport must be one of stdio, streamable-http, sse' })
    expect(problemOf({ page: '0' })).to.deep.equal({ status: 400, detail: 'page must be an integer from 1 to 1000000' })
    expect(problemOf({ page: '1e3' })).to.deep.equal({ status: 400, detail: 'page must be an integer from 1 to 1000000' })
    expect(problemOf({ q: 'x'.repeat(201) })).to.deep.equal({ status: 400, detail: 'q must be at most 200 characters' })
    expect(problemOf({ tag: ['a', 'b'] })).to.deep.equal({ status: 400, detail: 'tag must be given at most once' })
  })
})
