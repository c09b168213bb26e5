import { expect } from 'chai'
import { counted } from './counted.js'

describe('counted', () => {
  it('uses the singular for exactly one and the plural otherwise, zero included', () => {
    expect([0, 1, 2, 10_000].map((n) => counted(n, 'server'))).to.deep.equal(['0 servers', '1 server', '2 servers', '10000 servers'])
  })
})
