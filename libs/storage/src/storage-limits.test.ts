import { expect } from 'chai'
import { DefaultStorageLimits, maxShardCount, resolveStorageLimits } from './storage-limits.js'
import { allShardConfigMapNames, shardSelector, storageLabels } from './storage-layout.js'
import { storageReaderPolicyRules } from './storage-reader.rbac.js'

describe('resolveStorageLimits', () => {
  it('fills every default', () => {
    expect(resolveStorageLimits()).to.deep.equal({
      plainMaxBytes: 524_288, singleMaxBytes: 921_600, shardMaxBytes: 921_600, maxStoredBytes: 16_777_216, gzipLevel: 6,
    })
    expect(resolveStorageLimits({ shardMaxBytes: 1000 })).to.deep.equal({ ...DefaultStorageLimits, shardMaxBytes: 1000 })
  })

  const bad: ReadonlyArray<[string, object, string]> = [
    ['a zero threshold', { plainMaxBytes: 0 }, 'Storage limit plainMaxBytes must be a positive integer, got 0'],
    ['a fractional ceiling', { maxStoredBytes: 1.5 }, 'Storage limit maxStoredBytes must be a positive integer, got 1.5'],
    ['a shard that cannot fit in a ConfigMap', { shardMaxBytes: 1_000_000 }, 'Storage limit shardMaxBytes (1000000) must leave 64 KiB'],
    ['a gzip level above 9', { gzipLevel: 10 }, 'Storage limit gzipLevel must be 1–9, got 10'],
  ]
  for (const [what, partial, message] of bad) {
    it(`rejects ${what}`, () => expect(() => resolveStorageLimits(partial)).to.throw(RangeError, message))
  }
})

describe('storage layout', () => {
  it('counts shard slots as the ceiling over the shard size, rounded up', () => {
    expect(maxShardCount(resolveStorageLimits())).to.equal(19)
    expect(maxShardCount(resolveStorageLimits({ shardMaxBytes: 100, maxStoredBytes: 1000 }))).to.equal(10)
    expect(maxShardCount(resolveStorageLimits({ shardMaxBytes: 100, maxStoredBytes: 1001 }))).to.equal(11)
  })

  it('names both banks of shard slots', () => {
    expect(allShardConfigMapNames('demo', resolveStorageLimits({ shardMaxBytes: 100, maxStoredBytes: 200 }))).to.deep.equal([
      'demo-registry-storage-a-0', 'demo-registry-storage-a-1', 'demo-registry-storage-b-0', 'demo-registry-storage-b-1',
    ])
  })

  it('labels the index and shards as the storage README says', () => {
    expect(storageLabels('demo', 'shard', 'b')).to.deep.equal({
      'app.kubernetes.io/managed-by': 'thv-operator',
      'app.kubernetes.io/component': 'registry-storage',
      'toolhive.stacklok.dev/registry': 'demo',
      'toolhive.stacklok.dev/storage-part': 'shard',
      'toolhive.stacklok.dev/storage-bank': 'b',
    })
  })

  it('selects old shard generations only', () => {
    expect(shardSelector('demo', '0123456789abcdef')).to.equal(
      'app.kubernetes.io/component=registry-storage,toolhive.stacklok.dev/registry=demo,toolhive.stacklok.dev/storage-part=shard,toolhive.stacklok.dev/storage-generation!=0123456789abcdef',
    )
  })

  it('grants the reader get/list/watch on the index and get on every shard slot, nothing else', () => {
    expect(storageReaderPolicyRules('demo', { shardMaxBytes: 100, maxStoredBytes: 150 })).to.deep.equal([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['demo-registry-storage'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: [''], resources: ['configmaps'], verbs: ['get'],
        resourceNames: ['demo-registry-storage-a-0', 'demo-registry-storage-a-1', 'demo-registry-storage-b-0', 'demo-registry-storage-b-1'],
      },
    ])
  })
})
