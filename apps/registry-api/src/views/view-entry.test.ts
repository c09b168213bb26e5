import { expect } from 'chai'
import type { ServedServerResponse } from '../snapshot/served-snapshot.js'
import { servedItemJson, toViewEntry } from './view-entry.js'

const OFFICIAL = 'io.modelcontextprotocol.registry/official'
const item = (official: Record<string, unknown>, extra: Record<string, unknown> = {}): ServedServerResponse => ({
  server: { name: 'io.github.x/y', version: '1.0.0', description: 'd' },
  _meta: { ...extra, [OFFICIAL]: official } as unknown as ServedServerResponse['_meta'],
})

describe('servedItemJson and toViewEntry', () => {
  it('dates the status from publishedAt while the snapshot records no status change, right after status', () => {
    const json = servedItemJson(item({ status: 'active', publishedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-02-01T00:00:00Z', isLatest: true }))
    expect(json).to.equal(JSON.stringify({
      server: { name: 'io.github.x/y', version: '1.0.0', description: 'd' },
      _meta: { [OFFICIAL]: { status: 'active', statusChangedAt: '2025-01-01T00:00:00Z', publishedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-02-01T00:00:00Z', isLatest: true } },
    }))
  })

  it('serves a recorded statusChangedAt and statusMessage unchanged, and keeps other _meta keys in place', () => {
    const stored = item(
      { status: 'deprecated', statusMessage: 'use z', statusChangedAt: '2025-03-01T00:00:00Z', publishedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-03-01T00:00:00Z', isLatest: false },
      { 'com.example/x': { a: 1 } },
    )
    const body = JSON.parse(servedItemJson(stored)) as { _meta: Record<string, Record<string, unknown>> }
    expect(Object.keys(body._meta)).to.deep.equal(['com.example/x', OFFICIAL])
    expect(body._meta[OFFICIAL]).to.deep.equal({ status: 'deprecated', statusChangedAt: '2025-03-01T00:00:00Z', statusMessage: 'use z', publishedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-03-01T00:00:00Z', isLatest: false })
    expect(toViewEntry(stored, 5, 9)).to.include({ name: 'io.github.x/y', version: '1.0.0', deleted: false, isLatest: false, descriptionLc: 'd', titleLc: '', start: 5, end: 9 })
  })

  it('lower-cases title and description for search, marks deleted versions, and keeps the placed range', () => {
    const previous = toViewEntry(item({ status: 'active', publishedAt: 'p', updatedAt: 'u', isLatest: false }), 0, 1)
    const other: ServedServerResponse = { ...item({ status: 'deleted', publishedAt: 'p', updatedAt: 'u', isLatest: true }), server: { name: 'io.github.x/Z', version: '2.0.0', title: 'Zed', description: 'A Tool' } }
    expect(toViewEntry(other, 2, 3, previous)).to.include({ name: 'io.github.x/Z', nameLc: 'io.github.x/z', deleted: true, title: 'Zed', titleLc: 'zed', descriptionLc: 'a tool', start: 2, end: 3 })
  })
})
