import { gunzipSync, gzipSync } from 'node:zlib'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { readFixtureBytes, snapshotOfRaw } from '../test/snapshots.js'
import { OfficialMetaKey, type RegistrySnapshot } from '@thv/registry-model'
import { chunk, decodeStoredSnapshot, gzipInPieces, gzipSnapshotSync, planSnapshotStorage, planStorage, readStoredMapped, readStoredPublishTimes, readStoredSnapshot, serializeSnapshot, snapshotJsonPieces } from './snapshot-payload.js'
import { resolveStorageLimits } from './storage-limits.js'

const limits = resolveStorageLimits({ plainMaxBytes: 100, singleMaxBytes: 200, shardMaxBytes: 150, maxStoredBytes: 1000 })

/** Deterministic, poorly compressible text of `n` characters. */
function noise(n: number, seed = 7): string {
  let x = seed
  let s = ''
  while (s.length < n) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    s += x.toString(36)
  }
  return s.slice(0, n)
}

describe('planStorage', () => {
  it('keeps JSON up to plainMaxBytes uncompressed', async () => {
    const json = JSON.stringify({ a: 'x'.repeat(80) })
    expect(await planStorage(json, limits)).to.deep.equal(E.right({ tier: 'plain', json, storedBytes: Buffer.byteLength(json) }))
  })

  it('counts UTF-8 bytes, not characters, against plainMaxBytes', async () => {
    const json = JSON.stringify({ a: 'é'.repeat(60) }) // 69 characters, 129 bytes
    const plan = await planStorage(json, limits)
    expect(E.isRight(plan) && plan.right.tier).to.equal('gzip')
  })

  it('gzips JSON above plainMaxBytes into one payload when it compresses to singleMaxBytes or less', async () => {
    const json = JSON.stringify({ a: 'x'.repeat(5000) })
    const plan = await planStorage(json, limits)
    if (E.isLeft(plan) || plan.right.tier !== 'gzip') throw new Error(`expected gzip, got ${JSON.stringify(plan)}`)
    expect(gunzipSync(plan.right.payload).toString()).to.equal(json)
    expect(plan.right.storedBytes).to.equal(plan.right.payload.length)
  })

  it('shards a payload above singleMaxBytes into slices of shardMaxBytes that concatenate to the payload', async () => {
    const json = JSON.stringify({ a: noise(600) })
    const plan = await planStorage(json, limits)
    if (E.isLeft(plan) || plan.right.tier !== 'sharded') throw new Error(`expected sharded, got ${JSON.stringify(plan)}`)
    const { payload, shards } = plan.right
    expect(shards.map((s) => s.length)).to.deep.equal(
      Array.from({ length: Math.ceil(payload.length / 150) }, (_, i) => Math.min(150, payload.length - i * 150)),
    )
    expect(Buffer.concat(shards).equals(payload)).to.equal(true)
    expect(gunzipSync(payload).toString()).to.equal(json)
  })

  it('refuses a payload above maxStoredBytes, reporting its compressed size', async () => {
    const json = JSON.stringify({ a: noise(3000) })
    const plan = await planStorage(json, limits)
    expect(E.isLeft(plan)).to.equal(true)
    if (E.isLeft(plan)) expect(plan.left.storedBytes).to.be.greaterThan(1000)
  })
})

describe('snapshotJsonPieces', () => {
  const snapshot = snapshotOfRaw(readFixtureBytes('toolhive-upstream-registry-2025-12-11.json'))
  const [first, second] = snapshot.servers
  if (first === undefined || second === undefined) throw new Error('the fixture has fewer than two servers')

  it('gives exactly JSON.stringify of the snapshot, the servers one piece each', () => {
    const pieces = [...snapshotJsonPieces(snapshot)]
    expect(pieces.join('')).to.equal(JSON.stringify(snapshot))
    expect(pieces.length).to.equal(snapshot.servers.length + 3)
  })

  it('streams extraServers too, wherever the key stands, and an empty array', () => {
    const cases = [
      { ...snapshot, extraServers: [second, first] },
      { extraServers: [first], ...snapshot },
      { ...snapshot, servers: [], extraServers: [] },
    ] as unknown as RegistrySnapshot[]
    for (const value of cases) expect([...snapshotJsonPieces(value)].join('')).to.equal(JSON.stringify(value))
  })

  it('is not confused by data that looks like its placeholders', () => {
    const hostile = { ...first, server: { ...first.server, description: '["thv-storage-x-servers"] "servers":["a"] ]}' } }
    const value = { ...snapshot, servers: [hostile, second] } as RegistrySnapshot
    expect([...snapshotJsonPieces(value)].join('')).to.equal(JSON.stringify(value))
  })
})

describe('planSnapshotStorage', () => {
  const snapshot = snapshotOfRaw(readFixtureBytes('toolhive-upstream-registry-2025-12-11.json'))
  const json = JSON.stringify(snapshot)

  it('plans what planStorage plans for the serialized JSON: plain when it fits, the same text', async () => {
    const roomy = resolveStorageLimits({ plainMaxBytes: json.length + 10 })
    expect(await planSnapshotStorage(snapshot, roomy)).to.deep.equal(E.right({ tier: 'plain', json, storedBytes: Buffer.byteLength(json) }))
  })

  it('compresses larger ones piece by piece into a gzip that decompresses to the serialized JSON, sharded as planStorage shards', async () => {
    const small = resolveStorageLimits({ plainMaxBytes: 1024, singleMaxBytes: 2048, shardMaxBytes: 1500, maxStoredBytes: 10 * 1024 * 1024 })
    const plan = await planSnapshotStorage(snapshot, small, 8192)
    if (E.isLeft(plan) || plan.right.tier !== 'sharded') throw new Error(`expected sharded, got ${JSON.stringify(plan)}`)
    expect(gunzipSync(plan.right.payload).toString('utf8')).to.equal(json)
    expect(Buffer.concat(plan.right.shards).equals(plan.right.payload)).to.equal(true)
    expect(plan.right.shards.every((shard) => shard.length <= 1500)).to.equal(true)
    expect(decodeStoredSnapshot(plan.right.payload, true, snapshot.hash)).to.deep.equal(E.right(snapshot))
  })

  it('refuses a snapshot above maxStoredBytes as planStorage does', async () => {
    const tiny = resolveStorageLimits({ plainMaxBytes: 100, singleMaxBytes: 200, shardMaxBytes: 150, maxStoredBytes: 1000 })
    const plan = await planSnapshotStorage(snapshot, tiny, 8192)
    expect(E.isLeft(plan) && plan.left.storedBytes).to.be.greaterThan(1000)
  })
})

describe('gzipInPieces', () => {
  it('compresses input of one piece or less as one gzip member, as gzip does', async () => {
    const bytes = Buffer.from(noise(1000))
    const out = await gzipInPieces(bytes, 6, 1000)
    expect(out.equals(gzipSync(bytes, { level: 6 }))).to.equal(true)
  })

  it('cuts larger input into gzip members of pieceBytes each, in order, which gunzip reads back as the whole input', async () => {
    const bytes = Buffer.from(JSON.stringify({ a: noise(10_000), b: 'é'.repeat(3000) }))
    const out = await gzipInPieces(bytes, 6, 1024)
    const members = chunk(bytes, 1024).map((piece) => gzipSync(piece, { level: 6 }))
    expect(out.equals(Buffer.concat(members))).to.equal(true)
    expect(members.length).to.equal(Math.ceil(bytes.length / 1024))
    expect(gunzipSync(out).equals(bytes)).to.equal(true)
  })

  it('gives the same bytes for the same input every time', async () => {
    const bytes = Buffer.from(noise(50_000))
    expect((await gzipInPieces(bytes, 3, 4096)).equals(await gzipInPieces(bytes, 3, 4096))).to.equal(true)
  })
})

describe('chunk', () => {
  const cases: ReadonlyArray<[string, number, number, number[]]> = [
    ['empty input gives no chunks', 0, 4, []],
    ['exact multiple', 8, 4, [4, 4]],
    ['remainder in the last chunk', 9, 4, [4, 4, 1]],
    ['smaller than one chunk', 3, 4, [3]],
  ]
  for (const [title, length, size, sizes] of cases) {
    it(title, () => expect(chunk(Buffer.alloc(length), size).map((c) => c.length)).to.deep.equal(sizes))
  }

  it('rejects a non-positive size', () => {
    expect(() => chunk(Buffer.alloc(3), 0)).to.throw(RangeError, 'chunk size must be a positive integer, got 0')
  })
})

describe('decodeStoredSnapshot', () => {
  const snapshot = snapshotOfRaw(readFixtureBytes('toolhive-upstream-registry-2025-12-11.json'))

  it('decodes a stored snapshot, plain and gzipped, to the deep-equal value', () => {
    const json = serializeSnapshot(snapshot)
    expect(decodeStoredSnapshot(json, false, snapshot.hash)).to.deep.equal(E.right(snapshot))
    expect(decodeStoredSnapshot(gzipSync(json), true, snapshot.hash)).to.deep.equal(E.right(snapshot))
  })

  it('decodes a snapshot compressed in pieces (several gzip members) to the deep-equal value', async () => {
    const json = serializeSnapshot(snapshot)
    const payload = await gzipInPieces(Buffer.from(json), 6, Math.ceil(json.length / 5))
    expect(decodeStoredSnapshot(payload, true, snapshot.hash)).to.deep.equal(E.right(snapshot))
  })

  it('returns Left naming the problem for bytes that are not gzip', () => {
    const r = decodeStoredSnapshot(Buffer.from('not gzip'), true, 'h1')
    expect(E.isLeft(r) && r.left).to.match(/^gzip payload does not decompress: /)
  })

  it('returns Left for text that is not JSON', () => {
    const r = decodeStoredSnapshot('{"schemaVersion":', false, 'h1')
    expect(E.isLeft(r) && r.left).to.match(/^snapshot is not JSON: /)
  })

  it('returns Left when the snapshot hash differs from the recorded one', () => {
    const r = decodeStoredSnapshot(serializeSnapshot(snapshot), false, 'f'.repeat(64))
    expect(r).to.deep.equal(E.left(`snapshot hash ${snapshot.hash} differs from the recorded ${'f'.repeat(64)}`))
  })

  it('in hash mode returns the parsed snapshot after a shallow check, and Left for another schema version', () => {
    const json = serializeSnapshot(snapshot)
    expect(decodeStoredSnapshot(json, false, snapshot.hash, 'hash')).to.deep.equal(E.right(snapshot))
    expect(decodeStoredSnapshot(JSON.stringify({ ...snapshot, schemaVersion: 2 }), false, snapshot.hash, 'hash')).to.deep.equal(
      E.left('snapshot does not decode: not a schemaVersion 1 snapshot with a hash and servers'),
    )
  })

  it('returns Left naming the bad path for JSON that is not a snapshot', () => {
    const r = decodeStoredSnapshot(JSON.stringify({ ...snapshot, schemaVersion: 2 }), false, snapshot.hash)
    expect(E.isLeft(r) && r.left).to.match(/^snapshot does not decode: .*schemaVersion/)
  })
})

describe('readStoredSnapshot', () => {
  const snapshot = snapshotOfRaw(readFixtureBytes('toolhive-upstream-registry-2025-12-11.json'))
  const json = serializeSnapshot(snapshot)

  it('reads a gzip payload, one member or several, to what decodeStoredSnapshot returns, in both verification modes', async () => {
    const members = await gzipInPieces(Buffer.from(json), 6, Math.ceil(json.length / 5))
    for (const payload of [gzipSync(json), members]) {
      for (const verification of ['codec', 'hash'] as const) {
        expect(await readStoredSnapshot(payload, true, snapshot.hash, verification)).to.deep.equal(E.right(snapshot))
        expect(await readStoredSnapshot(payload, true, snapshot.hash, verification)).to.deep.equal(decodeStoredSnapshot(payload, true, snapshot.hash, verification))
      }
    }
    expect(await readStoredSnapshot(json, false, snapshot.hash)).to.deep.equal(E.right(snapshot))
  })

  it('returns Left with decodeStoredSnapshot\'s reasons for bytes that are not gzip, gzip cut short, text that is not JSON, JSON that is not a snapshot or has another hash', async () => {
    const gzipped = gzipSync(json)
    const cases: Array<[string, Buffer, string | undefined, RegExp]> = [
      ['not gzip', Buffer.from('not gzip'), 'h1', /^gzip payload does not decompress: /],
      ['cut short', gzipped.subarray(0, gzipped.length >> 1), snapshot.hash, /^gzip payload does not decompress: /],
      ['an element is not JSON', gzipSync(json.replace('"servers":[{', '"servers":[{,')), snapshot.hash, /^snapshot is not JSON: /],
      ['not JSON at the end', gzipSync(json.slice(0, -1)), snapshot.hash, /^snapshot is not JSON: /],
      ['another schema version', gzipSync(JSON.stringify({ ...snapshot, schemaVersion: 2 })), snapshot.hash, /^snapshot does not decode: .*schemaVersion/],
      ['another hash', gzipped, 'f'.repeat(64), /^snapshot hash .* differs from the recorded f{64}$/],
    ]
    for (const [what, payload, hash, reason] of cases) {
      const r = await readStoredSnapshot(payload, true, hash)
      expect(E.isLeft(r) && r.left, what).to.match(reason)
      // JSON.parse's message names a position in the text it was given (here an element, or what is left around them).
      if (!/JSON|cut/.test(what)) expect(r, what).to.deep.equal(decodeStoredSnapshot(payload, true, hash))
    }
  })
})

describe('readStoredPublishTimes', () => {
  const snapshot = snapshotOfRaw(readFixtureBytes('toolhive-upstream-registry-2025-12-11.json'))
  const json = serializeSnapshot(snapshot)
  // Written out here, not by the code under test: what a build reads of its previous snapshot.
  const expected = {
    hash: snapshot.hash,
    servers: snapshot.servers.map((s) => ({ server: { name: s.server.name, version: s.server.version }, _meta: { [OfficialMetaKey]: s._meta[OfficialMetaKey] } })),
  }

  it('gives each version\'s name, version and official _meta only, from a gzip payload (streamed) or plain text, in both modes', async () => {
    expect(snapshot.servers.length).to.be.above(10)
    const members = await gzipInPieces(Buffer.from(json), 6, Math.ceil(json.length / 5))
    for (const payload of [gzipSync(json), members]) {
      for (const verification of ['codec', 'hash'] as const) {
        expect(await readStoredPublishTimes(payload, true, snapshot.hash, verification), verification).to.deep.equal(E.right(expected))
      }
    }
    for (const verification of ['codec', 'hash'] as const) expect(await readStoredPublishTimes(json, false, snapshot.hash, verification)).to.deep.equal(E.right(expected))
  })

  it('returns Left when a server lacks what the history needs, and for what readStoredSnapshot rejects', async () => {
    const first = snapshot.servers[0] as RegistrySnapshot['servers'][number]
    const official = first._meta[OfficialMetaKey] as unknown as Record<string, unknown>
    const { publishedAt: _dropped, ...withoutPublishedAt } = official
    const broken = { ...snapshot, servers: [{ ...first, _meta: { ...first._meta, [OfficialMetaKey]: withoutPublishedAt } }, ...snapshot.servers.slice(1)] }
    const r = await readStoredPublishTimes(gzipSync(JSON.stringify(broken)), true, snapshot.hash, 'hash')
    expect(E.isLeft(r) && r.left).to.equal('snapshot does not decode: a server without a name, version and official publishedAt/status')
    const notJson = await readStoredPublishTimes(gzipSync(json.slice(0, -1)), true, snapshot.hash, 'hash')
    expect(E.isLeft(notJson) && notJson.left).to.match(/^snapshot is not JSON: /)
    const otherHash = await readStoredPublishTimes(gzipSync(json), true, 'f'.repeat(64), 'hash')
    expect(E.isLeft(otherHash) && otherHash.left).to.match(/^snapshot hash .* differs from the recorded f{64}$/)
  })
})

describe('readStoredMapped', () => {
  const snapshot = snapshotOfRaw(readFixtureBytes('toolhive-upstream-registry-2025-12-11.json'))
  const withViews = { ...snapshot, extraServers: [snapshot.servers[0]] }
  const json = JSON.stringify(withViews)
  const names = (s: RegistrySnapshot['servers']): string[] => s.map((r) => `${r.server.name}@${r.server.version}`)

  it('puts what the mapper returned in place of each server of both arrays, in order, from gzip (streamed) or plain text', async () => {
    const members = await gzipInPieces(Buffer.from(json), 6, Math.ceil(json.length / 5))
    for (const [payload, gzipped] of [[gzipSync(json), true], [members, true], [json, false]] as const) {
      const seen: string[] = []
      const read = await readStoredMapped(payload, gzipped, snapshot.hash, (value, array) => {
        const r = value as RegistrySnapshot['servers'][number]
        seen.push(array)
        return `${array}:${r.server.name}@${r.server.version}`
      })
      expect(E.isRight(read), String(gzipped)).to.equal(true)
      const value = (read as E.Right<Record<string, unknown>>).right
      expect(value['servers']).to.deep.equal(names(snapshot.servers).map((n) => `servers:${n}`))
      expect(value['extraServers']).to.deep.equal([`extraServers:${names(snapshot.servers)[0] as string}`])
      expect(value['registry']).to.deep.equal(snapshot.registry)
      expect(seen.length).to.equal(snapshot.servers.length + 1)
    }
  })

  it('returns Left with the mapper\'s message when it throws, and for bad JSON or another hash', async () => {
    const reject = (): never => {
      throw new Error('server 0 is not valid')
    }
    for (const [payload, gzipped] of [[gzipSync(json), true], [json, false]] as const) {
      const r = await readStoredMapped(payload, gzipped, snapshot.hash, reject)
      expect(E.isLeft(r) && r.left, String(gzipped)).to.equal('snapshot does not decode: server 0 is not valid')
    }
    const notJson = await readStoredMapped(gzipSync(json.slice(0, -1)), true, snapshot.hash, (v) => v)
    expect(E.isLeft(notJson) && notJson.left).to.match(/^snapshot is not JSON: /)
    const otherHash = await readStoredMapped(gzipSync(json), true, 'f'.repeat(64), (v) => v)
    expect(E.isLeft(otherHash) && otherHash.left).to.match(/^snapshot hash .* differs from the recorded f{64}$/)
  })
})

describe('gzipSnapshotSync', () => {
  it('gzips the stored JSON in members of about the piece size, decompressing to serializeSnapshot\'s text', () => {
    const snapshot = snapshotOfRaw(readFixtureBytes('toolhive-upstream-registry-2025-12-11.json'))
    const json = serializeSnapshot(snapshot)
    for (const pieceBytes of [1024, json.length * 2]) {
      const payload = gzipSnapshotSync(snapshot, 1, pieceBytes)
      expect(gunzipSync(payload).toString('utf8'), String(pieceBytes)).to.equal(json)
    }
    // One member per piece: small pieces give many gzip headers (1f 8b 08).
    const members = (payload: Buffer): number => payload.toString('latin1').split('\x1f\x8b\x08').length - 1
    expect(members(gzipSnapshotSync(snapshot, 1, 1024))).to.be.above(members(gzipSnapshotSync(snapshot, 1, json.length * 2)))
  })
})
