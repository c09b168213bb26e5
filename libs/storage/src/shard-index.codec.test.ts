import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { decodeShardIndex, encodeShardIndex, type ShardIndex } from './shard-index.codec.js'

const sha = (c: string): string => c.repeat(64)
const index: ShardIndex = {
  schemaVersion: 1,
  snapshotHash: sha('a'),
  bank: 'b',
  payloadSha256: sha('b'),
  payloadBytes: 30,
  shards: [
    { name: 'r-registry-storage-b-0', sha256: sha('c'), bytes: 20 },
    { name: 'r-registry-storage-b-1', sha256: sha('d'), bytes: 10 },
  ],
}

describe('ShardIndex codec', () => {
  it('round-trips an index through its JSON text', () => {
    expect(decodeShardIndex(encodeShardIndex(index))).to.deep.equal(E.right(index))
  })

  const cases: ReadonlyArray<[string, string, string]> = [
    ['rejects text that is not JSON', '{', 'index is not JSON: '],
    ['rejects an unknown schema version', JSON.stringify({ ...index, schemaVersion: 2 }), 'index does not decode: schemaVersion: expected 1'],
    ['rejects a bank other than a or b', JSON.stringify({ ...index, bank: 'c' }), 'index does not decode: bank: expected'],
    ['rejects a shard hash that is not sha256 hex', JSON.stringify({ ...index, shards: [{ ...index.shards[0], sha256: 'xyz' }, index.shards[1]] }), 'index does not decode: shards/0/sha256: expected Sha256Hex'],
    ['rejects shard sizes that do not add up', JSON.stringify({ ...index, payloadBytes: 31 }), 'index shard sizes do not add up to payloadBytes'],
  ]
  for (const [title, json, prefix] of cases) {
    it(title, () => {
      const r = decodeShardIndex(json)
      expect(E.isLeft(r) && r.left.startsWith(prefix), JSON.stringify(r)).to.equal(true)
    })
  }
})
