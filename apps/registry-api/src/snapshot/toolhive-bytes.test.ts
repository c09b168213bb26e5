import { expect } from 'chai'
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
      expect(ToolHiveBytes.write(parts).bytes.toString('utf8')).to.equal(stringified(parts))
    }
    const none = { head, entries: [], tail: {} }
    expect(ToolHiveBytes.write(none).bytes.toString('utf8')).to.equal(stringified(none))
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
    expect(doc.bytes.toString('utf8')).to.equal(stringified(parts))
    expect(doc.entry('k2999')?.toString('utf8')).to.equal(JSON.stringify(entries[2999]?.entry))
    expect(doc.entry('huge')?.length).to.equal(1_500_000 + '{"name":"huge","d":""}'.length)
  })
})
