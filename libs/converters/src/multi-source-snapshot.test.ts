import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { decodeSnapshot, type RegistrySnapshot } from '@thv/registry-model'
import { readFixtureBytes, ToolHiveFile } from '../test/fixtures.js'
import { buildMultiSourceSnapshot, viewSnapshot } from './multi-source-snapshot.js'
import { validateFilter, type CompiledFilter, type ServerFilter } from './server-filter.js'
import { buildSnapshot, computeSnapshotHash } from './snapshot-builder.js'

const NOW = new Date('2026-12-04T10:00:00Z')
const compiled = (filter: ServerFilter = {}): CompiledFilter => {
  const f = validateFilter(filter)
  if (E.isLeft(f)) throw f.left
  return f.right
}
/** A source snapshot: the ToolHive fixture cut down to the names matching `include`. */
const source = (name: string, include: string[]): RegistrySnapshot => {
  const built = buildSnapshot({
    raw: readFixtureBytes(ToolHiveFile), filter: { include }, now: NOW,
    registry: { name: 'team', namespace: 'ns', source: { type: 'configmap', ref: `ns/${name}#registry.json` } },
  })
  if (E.isLeft(built)) throw built.left
  return built.right
}
const names = (s: RegistrySnapshot | undefined) => [...new Set((s?.servers ?? []).map((e) => e.server.name.replace('io.github.stacklok/', '')))].sort()

describe('buildMultiSourceSnapshot', () => {
  const platform = source('platform', ['*/fetch', '*/git'])
  const upstream = source('upstream', ['*/fetch', '*/time'])
  const input = {
    registry: { name: 'team', namespace: 'ns' },
    sources: [{ name: 'platform', snapshot: platform }, { name: 'upstream', snapshot: upstream }, { name: 'never', snapshot: undefined }],
    views: [{ name: 'all', sources: ['platform', 'upstream', 'never'] }, { name: 'upstream-only', sources: ['upstream'] }, { name: 'platform-only', sources: ['platform'] }],
    filter: compiled(), deployedServers: [], now: NOW,
  }

  it('serves each view from its own sources, first source winning, and stores shared entries once', () => {
    const built = buildMultiSourceSnapshot(input)
    expect(built).to.not.equal(undefined)
    const snap = built?.snapshot as RegistrySnapshot
    expect(names(viewSnapshot(snap, 'all'))).to.deep.equal(['fetch', 'git', 'time'])
    expect(viewSnapshot(snap, 'all')?.servers.find((e) => e.server.name.endsWith('/fetch'))).to.equal(platform.servers.find((e) => e.server.name.endsWith('/fetch')))
    expect(names(viewSnapshot(snap, 'upstream-only'))).to.deep.equal(['fetch', 'time'])
    expect(viewSnapshot(snap, 'upstream-only')?.servers.find((e) => e.server.name.endsWith('/fetch'))).to.equal(upstream.servers.find((e) => e.server.name.endsWith('/fetch')))
    expect(names(viewSnapshot(snap, 'platform-only'))).to.deep.equal(['fetch', 'git'])
    // Only upstream's shadowed fetch is stored twice; every other entry once.
    expect(snap.extraServers?.map((e) => e.server.name)).to.deep.equal(['io.github.stacklok/fetch'])
    expect(viewSnapshot(snap, 'nope')).to.equal(undefined)
  })

  it('names the source of every stored entry, so the API can hide the entries of a source a caller may not see (issue 16)', () => {
    const snap = buildMultiSourceSnapshot(input)?.snapshot as RegistrySnapshot
    const pool = [...snap.servers, ...(snap.extraServers ?? [])]
    const sourceNames = snap.sources?.map((s) => s.name) ?? []
    const expected = pool.map((e) => (platform.servers.includes(e) ? 'platform' : upstream.servers.includes(e) ? 'upstream' : 'none'))
    expect(snap.entrySources?.map((i) => sourceNames[i])).to.deep.equal(expected)
    expect(expected).to.include.members(['platform', 'upstream']).and.not.include('none')
  })

  it('counts served and shadowed names per source for the status, and reports the shadowed copies', () => {
    const built = buildMultiSourceSnapshot(input)
    expect(built?.counts).to.deep.equal([
      { name: 'platform', hash: platform.hash, served: 2, shadowed: 0 },
      { name: 'upstream', hash: upstream.hash, served: 1, shadowed: 1 },
      { name: 'never', served: 0, shadowed: 0 },
    ])
    expect(built?.shadowed).to.deep.equal([{ name: 'io.github.stacklok/fetch', source: 'upstream', winner: 'platform' }])
  })

  it('applies the global filter to every view after shadowing', () => {
    const built = buildMultiSourceSnapshot({ ...input, filter: compiled({ exclude: ['*/fetch'] }) })
    expect(names(viewSnapshot(built?.snapshot as RegistrySnapshot, 'all'))).to.deep.equal(['git', 'time'])
    expect(names(viewSnapshot(built?.snapshot as RegistrySnapshot, 'upstream-only'))).to.deep.equal(['time'])
  })

  it('is a valid stored snapshot whose hash ignores the sync time and follows the data', () => {
    const a = buildMultiSourceSnapshot(input)?.snapshot as RegistrySnapshot
    const decoded = decodeSnapshot(JSON.parse(JSON.stringify(a)))
    expect(E.isRight(decoded) ? 'valid' : decoded.left.message).to.equal('valid')
    expect(computeSnapshotHash(a)).to.equal(a.hash)
    const later = buildMultiSourceSnapshot({ ...input, now: new Date('2026-12-05T00:00:00Z') })?.snapshot
    expect(later?.hash).to.equal(a.hash)
    const swapped = buildMultiSourceSnapshot({ ...input, sources: [input.sources[1], input.sources[0], input.sources[2]] as typeof input.sources })?.snapshot
    expect(swapped?.hash).to.not.equal(a.hash)
  })

  it('gives nothing while no source has data', () => {
    expect(buildMultiSourceSnapshot({ ...input, sources: [{ name: 'never', snapshot: undefined }] })).to.equal(undefined)
  })

  it('rejects a stored snapshot whose view indexes point outside the servers', () => {
    const a = buildMultiSourceSnapshot(input)?.snapshot as RegistrySnapshot
    const broken = { ...a, views: a.views?.map((v, i) => (i === 1 ? { ...v, entries: [999] } : v)) }
    expect(E.isLeft(decodeSnapshot(JSON.parse(JSON.stringify(broken))))).to.equal(true)
  })
})

describe('viewSnapshot', () => {
  it('has no views in a Part I snapshot', () => {
    expect(viewSnapshot(source('x', ['*']), 'default')).to.equal(undefined)
  })
})
