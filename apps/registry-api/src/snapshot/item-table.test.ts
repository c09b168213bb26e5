import { createHash } from 'node:crypto'
import { expect } from 'chai'
import { OfficialMetaKey } from '@thv/registry-model'
import { strongEtag } from '../http/cached-body.js'
import { servedItemJson } from '../views/view-entry.js'
import { ItemTable, ItemTableWriter } from './item-table.js'
import type { ServedServerResponse } from './served-snapshot.js'

function version(name: string, v: string, status = 'active'): ServedServerResponse {
  return {
    server: { name, version: v, description: `Server ${name} ${v}` },
    _meta: { [OfficialMetaKey]: { status, publishedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-02T00:00:00Z', isLatest: v === '2.0.0' } },
  } as ServedServerResponse
}

// In (name, version) code-unit order, written out here: 'B' < 'a' < 'a.b' < 'b'.
const ordered = [
  version('B', '1.0.0'), version('a', '1.0.0', 'deleted'), version('a', '2.0.0'), version('a.b', '10.0.0'), version('a.b', '9.0.0', 'deleted'), version('b', '2.0.0'),
]
const live = ordered.filter((s) => s._meta[OfficialMetaKey].status !== 'deleted')
const documentText = `{"servers":[${live.map(servedItemJson).join(',')}],"metadata":{"count":${live.length}}}`

describe('ItemTable', () => {
  const orders = {
    'in (name, version) order': ordered,
    reversed: [...ordered].reverse(),
    shuffled: [ordered[3], ordered[0], ordered[5], ordered[1], ordered[4], ordered[2]] as ServedServerResponse[],
  }
  for (const [title, servers] of Object.entries(orders)) {
    it(`lays out items that come ${title}: the upstream document of live versions first, entries in (name, version) order`, () => {
      const table = ItemTable.build(servers)
      expect(Buffer.concat([...table.documentPieces()]).toString('utf8')).to.equal(documentText)
      expect(table.documentLength).to.equal(Buffer.byteLength(documentText))
      expect(table.documentEtag).to.equal(strongEtag(createHash('sha256').update(documentText)))
      expect(table.entries.map((e) => `${e.name}@${e.version}`)).to.deep.equal(ordered.map((s) => `${s.server.name}@${s.server.version}`))
      for (const [i, e] of table.entries.entries()) expect(table.item(e).toString('utf8')).to.equal(servedItemJson(ordered[i] as ServedServerResponse))
      expect(table.entries.map((e) => e.deleted)).to.deep.equal([false, true, false, false, true, false])
    })
  }

  it('tells the writer\'s entries in the order their items came, placed in the table', () => {
    const writer = new ItemTableWriter()
    const servers = orders.shuffled
    for (const s of servers) writer.add(s)
    const { table, added } = writer.finish()
    expect(added.map((e) => `${e.name}@${e.version}`)).to.deep.equal(servers.map((s) => `${s.server.name}@${s.server.version}`))
    for (const [i, e] of added.entries()) expect(table.item(e).toString('utf8')).to.equal(servedItemJson(servers[i] as ServedServerResponse))
  })

  it('gathers items of several tables into one, in order', () => {
    const one = ItemTable.build(ordered.slice(0, 3))
    const two = ItemTable.build(ordered.slice(3))
    const items = [...two.entries.map((entry) => ({ table: two, entry })), ...one.entries.map((entry) => ({ table: one, entry }))]
    const { table, order } = ItemTable.gather(items)
    expect(Buffer.concat([...table.documentPieces()]).toString('utf8')).to.equal(documentText)
    expect(Array.from(order)).to.deep.equal([3, 4, 5, 0, 1, 2])
    for (const [i, e] of table.entries.entries()) expect(table.item(e).toString('utf8')).to.equal(servedItemJson(ordered[i] as ServedServerResponse))
  })
})
