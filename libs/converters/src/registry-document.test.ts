import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { LegacySeedFile, readFixture, ToolHiveFile, ToolHiveUpstreamFile } from '../test/fixtures.js'
import { decodeRegistryDocument, type DecodedRegistry } from './registry-document.js'

const ok = (r: E.Either<Error, DecodedRegistry>): DecodedRegistry => {
  if (E.isLeft(r)) throw r.left
  return r.right
}

/** The ToolHive extension of a decoded server (what the ToolHive entry carried beyond server.json). */
const extensionOf = (d: DecodedRegistry, i: number): Record<string, unknown> => {
  const meta = d.servers[i]?.server._meta as Record<string, Record<string, Record<string, Record<string, unknown>>>>
  return Object.values(meta['io.modelcontextprotocol.registry/publisher-provided']?.['io.github.stacklok'] ?? {})[0] as Record<string, unknown>
}

describe('decodeRegistryDocument', () => {
  const wrapper = readFixture(ToolHiveUpstreamFile) as { data: { servers: unknown[] } }
  const documents: ReadonlyArray<[string, () => unknown]> = [
    ['a ToolHive registry', () => readFixture(ToolHiveFile)],
    ['ToolHive\'s upstream wrapper', () => readFixture(ToolHiveUpstreamFile)],
    ['a server.json array', () => wrapper.data.servers],
    ['an API server list', () => ({
      servers: wrapper.data.servers.map((server) => ({
        server,
        _meta: {
          'io.modelcontextprotocol.registry/official': { status: 'active', publishedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z', isLatest: true },
          'x.example/meta': { a: 1 },
        },
      })),
      metadata: { count: wrapper.data.servers.length },
    })],
    ['a legacy seed', () => readFixture(LegacySeedFile)],
  ]
  for (const [title, doc] of documents) {
    it(`decodes ${title} handed over (owned) to what a copying decode gives`, () => {
      expect(ok(decodeRegistryDocument(doc(), { owned: true }))).to.deep.equal(ok(decodeRegistryDocument(doc())))
    })
  }

  it('shares nothing with the caller\'s document unless it is handed over', () => {
    const doc = readFixture(ToolHiveFile) as { servers: Record<string, { tools: unknown }> }
    const tools = Object.values(doc.servers)[0]?.tools
    expect([extensionOf(ok(decodeRegistryDocument(doc)), 0)['tools'] === tools, extensionOf(ok(decodeRegistryDocument(doc, { owned: true })), 0)['tools'] === tools])
      .to.deep.equal([false, true])
  })

  it('takes the declared format as the second argument or as an option', () => {
    const doc = readFixture(ToolHiveFile)
    const code = (r: E.Either<{ code: string }, unknown>): string => (E.isLeft(r) ? r.left.code : 'Right')
    expect([code(decodeRegistryDocument(doc, 'upstream')), code(decodeRegistryDocument(doc, { declaredFormat: 'upstream' })), code(decodeRegistryDocument(doc, { declaredFormat: 'toolhive', owned: true }))])
      .to.deep.equal(['FormatMismatch', 'FormatMismatch', 'Right'])
  })
})
