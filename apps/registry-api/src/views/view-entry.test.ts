import { expect } from 'chai'
import type { ServedServerResponse } from '../snapshot/served-snapshot.js'
import { toEntrySource } from './view-entry.js'

const OFFICIAL = 'io.modelcontextprotocol.registry/official'
const item = (official: Record<string, unknown>, extra: Record<string, unknown> = {}): ServedServerResponse => ({
  server: { name: 'io.github.x/y', version: '1.0.0', description: 'd' },
  _meta: { ...extra, [OFFICIAL]: official } as unknown as ServedServerResponse['_meta'],
})

describe('toEntrySource served JSON', () => {
  it('dates the status from publishedAt while the snapshot records no status change, right after status', () => {
    const entry = toEntrySource(item({ status: 'active', publishedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-02-01T00:00:00Z', isLatest: true }))
    expect(entry.json).to.equal(JSON.stringify({
      server: { name: 'io.github.x/y', version: '1.0.0', description: 'd' },
      _meta: { [OFFICIAL]: { status: 'active', statusChangedAt: '2025-01-01T00:00:00Z', publishedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-02-01T00:00:00Z', isLatest: true } },
    }))
  })

  it('serves a recorded statusChangedAt and statusMessage unchanged, and keeps other _meta keys in place', () => {
    const stored = item(
      { status: 'deprecated', statusMessage: 'use z', statusChangedAt: '2025-03-01T00:00:00Z', publishedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-03-01T00:00:00Z', isLatest: false },
      { 'com.example/x': { a: 1 } },
    )
    const entry = toEntrySource(stored)
    const body = JSON.parse(entry.json) as { _meta: Record<string, Record<string, unknown>> }
    expect(Object.keys(body._meta)).to.deep.equal(['com.example/x', OFFICIAL])
    expect(body._meta[OFFICIAL]).to.deep.equal({ status: 'deprecated', statusChangedAt: '2025-03-01T00:00:00Z', statusMessage: 'use z', publishedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-03-01T00:00:00Z', isLatest: false })
    expect(entry.fields).to.include({ name: 'io.github.x/y', version: '1.0.0', deleted: false, isLatest: false, descriptionLc: 'd', titleLc: '' })
  })
})
