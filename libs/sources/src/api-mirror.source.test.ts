import { expect } from 'chai'
import { upstreamListBytes } from './api-mirror.source.js'

describe('upstreamListBytes', () => {
  const never = (bytes: number): never => {
    throw new Error(`too large: ${bytes}`)
  }
  const joined = (entries: readonly string[]): Buffer =>
    Buffer.from(`{"servers":[${entries.join(',')}],"metadata":{"count":${entries.length}}}`, 'utf8')

  it('writes the list document of the entries, byte for byte the joined text in UTF-8', () => {
    const cases: string[][] = [[], ['{"a":1}'], ['{"name":"é ü 日本"}', '{"d":"emoji 🙂"}', '{}']]
    for (const entries of cases) expect(upstreamListBytes(entries, never, 1 << 20).equals(joined(entries))).to.equal(true)
  })

  it('refuses before allocating when the document would exceed maxBytes, with its exact size', () => {
    const entries = ['{"name":"é"}', '{"x":2}']
    const size = joined(entries).length
    expect(upstreamListBytes(entries, never, size).length).to.equal(size)
    expect(() => upstreamListBytes(entries, never, size - 1)).to.throw(`too large: ${size}`)
  })
})
