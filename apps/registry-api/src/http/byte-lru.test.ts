import { expect } from 'chai'
import { ByteLru } from './byte-lru.js'

describe('ByteLru', () => {
  const lru = (maxEntries: number, maxBytes: number): ByteLru<string, string> => new ByteLru({ maxEntries, maxBytes }, (v) => v.length)

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = lru(2, 100)
    cache.set('a', 'x')
    cache.set('b', 'y')
    cache.get('a')
    cache.set('c', 'z')
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).to.deep.equal(['x', undefined, 'z', 2])
  })

  it('evicts until the total size fits maxBytes', () => {
    const cache = lru(10, 10)
    cache.set('a', '1234')
    cache.set('b', '1234')
    cache.set('c', '1234')
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.bytes]).to.deep.equal([undefined, '1234', '1234', 8])
  })

  it('never caches a value larger than maxBytes, and replaces an existing key', () => {
    const cache = lru(10, 4)
    cache.set('a', '12')
    cache.set('a', '123')
    cache.set('big', '12345')
    expect([cache.get('a'), cache.get('big'), cache.bytes, cache.size]).to.deep.equal(['123', undefined, 3, 1])
  })
})
