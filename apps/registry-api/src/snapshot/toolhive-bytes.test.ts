import { createHash } from 'node:crypto'
import { expect } from 'chai'
import { CachedBody, strongEtag } from '../http/cached-body.js'
import { SegmentBytes } from './segmented-bytes.js'
import { ToolHiveBytes, type ToolHiveParts } from './toolhive-bytes.js'

type Entry = { kind: 'image' | 'remote'; key: string; entry: unknown }

/** The document JSON.stringify writes for the same parts: what ToolHiveBytes must equal byte for byte. */
function stringified(parts: ToolHiveParts): string {
  const servers: Record<string, unknown> = {}
  const remote: Record<string, unknown> = {}
  for (const e of parts.entries) (e.kind === 'image' ? servers : remote)[e.key] = e.entry
  return JSON.stringify({ ...parts.head, servers, remote_servers: remote, ...parts.tail })
}

const head = { $schema: 'https://example.test/schema.json', version: '1.0.0', last_updated: '2025-01-01T00:00:00Z' }

describe('ToolHiveBytes.write', () => {
  it('writes what JSON.stringify writes: array-index keys first in numeric order, empty maps, fields after the maps', () => {
    const entries: Entry[] = [
      { kind: 'image', key: 'fetch', entry: { name: 'fetch', image: 'x', description: 'é ☃ \u2028' } },
      { kind: 'image', key: '42', entry: { image: 'n' } },
      { kind: 'image', key: '7', entry: { image: 'm' } },
      { kind: 'image', key: '007', entry: { image: 'not an index' } },
      { kind: 'image', key: 'skipped', entry: undefined },
    ]
    for (const tail of [{}, { groups: [{ name: 'g', servers: {} }] }]) {
      const parts = { head, entries, tail }
      expect(ToolHiveBytes.write(parts).bytes.all().toString('utf8')).to.equal(stringified(parts))
    }
    const none = { head, entries: [], tail: {} }
    expect(ToolHiveBytes.write(none).bytes.all().toString('utf8')).to.equal(stringified(none))
  })

  it('answers each entry from its slice, with its key as name when it has none; servers win over remote_servers', () => {
    const doc = ToolHiveBytes.write({
      head,
      entries: [
        { kind: 'image', key: '1', entry: { image: 'one' } },
        { kind: 'image', key: 'a', entry: { name: 'a', image: 'img' } },
        { kind: 'remote', key: 'a', entry: { url: 'https://a.test' } },
        { kind: 'remote', key: 'r', entry: {} },
      ],
      tail: {},
    })
    expect(JSON.parse(doc.entry('1')?.toString('utf8') ?? '')).to.deep.equal({ name: '1', image: 'one' })
    expect(JSON.parse(doc.entry('a')?.toString('utf8') ?? '')).to.deep.equal({ name: 'a', image: 'img' })
    expect(JSON.parse(doc.entry('r')?.toString('utf8') ?? '')).to.deep.equal({ name: 'r' })
    expect(doc.entry('missing')).to.equal(undefined)
    expect([...doc.keys()].sort()).to.deep.equal(['1', 'a', 'r'])
  })

  it('writes entries larger than a chunk and many entries across chunk boundaries', () => {
    const entries: Entry[] = []
    for (let i = 0; i < 3000; i++) entries.push({ kind: i % 3 === 0 ? 'remote' : 'image', key: `k${i}`, entry: { name: `k${i}`, d: 'x'.repeat(i % 700) } })
    entries.push({ kind: 'image', key: 'huge', entry: { name: 'huge', d: 'y'.repeat(1_500_000) } })
    const parts = { head, entries, tail: {} }
    const doc = ToolHiveBytes.write(parts)
    expect(doc.bytes.all().toString('utf8')).to.equal(stringified(parts))
    expect(doc.entry('k2999')?.toString('utf8')).to.equal(JSON.stringify(entries[2999]?.entry))
    expect(doc.entry('huge')?.length).to.equal(1_500_000 + '{"name":"huge","d":""}'.length)
  })

  it('computes the ETag a flat body of the same bytes gets', () => {
    const parts = { head, entries: [{ kind: 'image' as const, key: 'fetch', entry: { image: 'x' } }], tail: {} }
    const text = stringified(parts)
    const doc = ToolHiveBytes.write(parts)
    expect(doc.etag).to.equal(strongEtag(createHash('sha256').update(text)))
    expect(doc.etag).to.equal(new CachedBody(Buffer.from(text), 'application/json').identity.etag)
  })

  // Array-index keys of `servers` are known only at the end: the document written so far is copied into a new one.
  for (const indexedServers of [false, true]) {
    it(`writes interleaved servers and remote_servers spanning many segments, and answers every entry (${indexedServers ? 'with' : 'without'} array-index keys in servers)`, () => {
      const entries: Entry[] = []
      for (let i = 0; i < 2000; i++) {
        const kind = i % 3 === 0 ? 'remote' : 'image'
        const key = (kind === 'image' ? indexedServers : i % 2 === 0) && i % 7 === 0 ? String(5000 - i) : `k${i}`
        entries.push({ kind, key, entry: i % 5 === 0 ? { d: 'x'.repeat(i % 900) } : { name: key, d: 'é'.repeat(i % 400) } })
      }
      const parts = { head, entries, tail: { groups: [{ name: 'g', servers: {} }] } }
      const text = stringified(parts)
      const doc = ToolHiveBytes.write(parts)
      expect(doc.length).to.be.above(4 * SegmentBytes)
      expect(doc.bytes.all().toString('utf8')).to.equal(text)
      expect(doc.etag).to.equal(strongEtag(createHash('sha256').update(text)))
      const parsed = JSON.parse(text) as { servers: Record<string, object>; remote_servers: Record<string, object> }
      for (const { kind, key } of entries) {
        const expected = (kind === 'image' ? parsed.servers : parsed.remote_servers)[key]
        expect(JSON.parse(doc.entry(key)?.toString('utf8') ?? ''), key).to.deep.equal({ name: key, ...expected })
      }
    })
  }
})
