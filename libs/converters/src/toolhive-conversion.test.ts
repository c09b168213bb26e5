import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { decodeServerJson, decodeToolHiveRegistry } from '@thv/registry-model'
import { readFixture, ToolHiveFile, ToolHiveUpstreamFile } from '../test/fixtures.js'
import { fromToolHiveEntry, type ToolHiveEntryKind } from './toolhive-to-upstream.converter.js'
import { fromUpstreamServer, isToolHiveEntryResult } from './upstream-to-toolhive.converter.js'

type Json = Record<string, unknown>
const toolhive = readFixture(ToolHiveFile) as { servers: Record<string, Json>; remote_servers: Record<string, Json> }
const upstream = (readFixture(ToolHiveUpstreamFile) as { data: { servers: Json[] } }).data.servers
const entries: Array<[string, Json, ToolHiveEntryKind]> = [
  ...Object.entries(toolhive.servers).map(([k, v]): [string, Json, ToolHiveEntryKind] => [k, v, 'image']),
  ...Object.entries(toolhive.remote_servers).map(([k, v]): [string, Json, ToolHiveEntryKind] => [k, v, 'remote']),
]
const back = (server: Json) => {
  const r = fromUpstreamServer(server)
  if (!isToolHiveEntryResult(r)) throw new Error(r.reason)
  return r
}

describe('ToolHive <-> server.json entry conversion', () => {
  it('round-trips every fixture entry exactly and yields valid server.json', () => {
    for (const [key, entry, kind] of entries) {
      const server = fromToolHiveEntry(key, entry, kind)
      expect(decodeServerJson(server), key).to.satisfy(E.isRight)
      expect(back(server), key).to.deep.equal({ key, kind, entry })
    }
  })

  it('names entries io.github.stacklok/<key> unless their own name says otherwise, and converts back', () => {
    const fetch = toolhive.servers['fetch'] as Json
    expect(fromToolHiveEntry('fetch', fetch, 'image')['name']).to.equal('io.github.stacklok/fetch')
    expect(fromToolHiveEntry('fetch', { ...fetch, name: 'io.github.someone/fetch' }, 'image')['name']).to.equal('io.github.someone/fetch')
    expect(fromToolHiveEntry('fetch', { ...fetch, name: 'fetch' }, 'image')['name']).to.equal('io.github.stacklok/fetch')
    expect(back(fromToolHiveEntry('fetch', { ...fetch, name: 'io.github.someone/fetch' }, 'image'))).to.deep.equal({
      key: 'fetch', kind: 'image', entry: { ...fetch, name: 'io.github.someone/fetch' },
    })
  })

  it('maps target_port into the transport URL of HTTP servers and keeps it in the extension for stdio', () => {
    const base = toolhive.servers['fetch'] as Json
    const http = fromToolHiveEntry('fetch', { ...base, transport: 'sse', target_port: 8080 }, 'image')
    expect((http['packages'] as Json[])[0]?.['transport']).to.deep.equal({ type: 'sse', url: 'http://localhost:8080' })
    const stdio = fromToolHiveEntry('fetch', { ...base, transport: 'stdio', target_port: 8080 }, 'image')
    expect((stdio['packages'] as Json[])[0]?.['transport']).to.deep.equal({ type: 'stdio' })
    expect(back(stdio).entry['target_port']).to.equal(8080)
  })

  const descriptions: ReadonlyArray<[string, string, string]> = [
    ['keeps a description of 100 characters', 'd'.repeat(100), 'd'.repeat(100)],
    ['keeps 100 characters outside the BMP (200 UTF-16 units)', '😀'.repeat(100), '😀'.repeat(100)],
    ['cuts a longer description to 99 characters and an ellipsis', 'd'.repeat(150), `${'d'.repeat(99)}…`],
    ['cuts by characters, never inside a surrogate pair', `a${'😀'.repeat(120)}`, `a${'😀'.repeat(98)}…`],
  ]
  for (const [title, description, expected] of descriptions) {
    it(title, () => {
      const server = fromToolHiveEntry('fetch', { ...(toolhive.servers['fetch'] as Json), description }, 'image')
      expect(server['description']).to.equal(expected)
      expect(back(server).entry['description']).to.equal(description)
    })
  }

  describe('properties', () => {
    const key = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/)
    const input = fc.record({
      name: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/),
      description: fc.string({ minLength: 5, maxLength: 40 }),
      required: fc.boolean(),
      secret: fc.boolean(),
      default: fc.string(),
    }, { requiredKeys: ['name', 'description', 'required'] })
    const imageEntry = fc.record({
      base: fc.constantFrom(...Object.values(toolhive.servers)),
      transport: fc.constantFrom('stdio', 'sse', 'streamable-http'),
      target_port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      description: fc.string({ minLength: 10, maxLength: 500 }),
      env_vars: fc.option(fc.array(input, { maxLength: 3 }), { nil: undefined }),
      name: fc.option(fc.constantFrom('io.github.other/thing', 'thing'), { nil: undefined }),
      docker_tags: fc.option(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 5 }), { maxLength: 3 }), { nil: undefined }),
    }).map(({ base, ...over }) => {
      const e: Json = { ...base, ...over }
      for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k]
      return e
    })
    const remoteEntry = fc.record({
      base: fc.constantFrom(...Object.values(toolhive.remote_servers)),
      transport: fc.constantFrom('sse', 'streamable-http'),
      headers: fc.option(fc.array(input.map((i) => ({ ...i, name: i.name.replace(/_/g, '-').replace(/^-/, 'X') })), { maxLength: 2 }), { nil: undefined }),
      env_vars: fc.option(fc.array(input, { maxLength: 2 }), { nil: undefined }),
    }).map(({ base, ...over }) => {
      const e: Json = { ...base, ...over }
      for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k]
      return e
    })

    it('round-trips generated image and remote entries (an entry\'s own name fixes its key)', () => {
      fc.assert(fc.property(key, fc.oneof(imageEntry.map((e) => ['image', e] as const), remoteEntry.map((e) => ['remote', e] as const)), (k, [kind, entry]) => {
        const named = entry['name'] === undefined ? k : 'thing'
        expect(decodeToolHiveRegistry({ version: '1.0.0', last_updated: '2025-01-01T00:00:00Z', servers: kind === 'image' ? { [named]: entry } : {}, remote_servers: kind === 'remote' ? { [named]: entry } : {} })).to.satisfy(E.isRight)
        const server = fromToolHiveEntry(named, entry, kind)
        expect(decodeServerJson(server)).to.satisfy(E.isRight)
        expect(back(server)).to.deep.equal({ key: named, kind, entry })
      }), { numRuns: 100 })
    })

    it('is idempotent: converting twice gives what converting once gives', () => {
      fc.assert(fc.property(key, imageEntry, (k, entry) => {
        const named = entry['name'] === undefined ? k : 'thing'
        const once = fromToolHiveEntry(named, entry, 'image')
        const again = back(once)
        expect(fromToolHiveEntry(again.key, again.entry, again.kind)).to.deep.equal(once)
      }), { numRuns: 100 })
    })

    it('reaches a fixpoint from upstream servers after one conversion', () => {
      for (const server of upstream) {
        const first = back(server)
        const second = back(fromToolHiveEntry(first.key, first.entry, first.kind))
        expect(second).to.deep.equal(first)
      }
    })
  })
})
