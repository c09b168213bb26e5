import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { LegacySeedFile, readFixture, ToolHiveFile, ToolHiveUpstreamFile } from '../test/fixtures.js'
import { detectDeclaredFormat, detectFormat, type DocumentFormat } from './format-detect.js'

const wrapper = readFixture(ToolHiveUpstreamFile) as { data: { servers: unknown[] } }

describe('detectFormat', () => {
  const cases: ReadonlyArray<[string, unknown, DocumentFormat]> = [
    ['the ToolHive fixture', readFixture(ToolHiveFile), 'toolhive'],
    ["ToolHive's upstream wrapper fixture", wrapper, 'toolhive-upstream'],
    ['a server.json array', wrapper.data.servers, 'upstream-array'],
    ['an empty array', [], 'upstream-array'],
    ['an API list envelope', { servers: wrapper.data.servers.map((server) => ({ server, _meta: {} })), metadata: { count: 12 } }, 'upstream-list'],
    ['an empty API list', { servers: [], metadata: { count: 0 } }, 'upstream-list'],
    ['the legacy seed', readFixture(LegacySeedFile), 'legacy'],
    ['a legacy list envelope', { servers: (readFixture(LegacySeedFile) as unknown[]).slice(0, 2) }, 'legacy'],
    ['a ToolHive document with only remote servers', { version: '1.0.0', last_updated: 'x', remote_servers: {} }, 'toolhive'],
    ['a ToolHive header with bad servers (decode reports it)', { version: '1.0.0', last_updated: 'x' }, 'toolhive'],
  ]
  for (const [title, doc, format] of cases) it(`detects ${title} as ${format}`, () => expect(detectFormat(doc)).to.deep.equal(E.right(format)))

  const unknown: ReadonlyArray<[unknown, string]> = [
    [null, 'the top level is null, not an object or array'],
    ['text', 'the top level is string, not an object or array'],
    [42, 'the top level is number, not an object or array'],
    [{}, 'expected "servers" (an object for ToolHive, an array for the upstream API list) or "data.servers"; found an empty object'],
    [{ data: { items: [] }, a: 1 }, 'expected "servers" (an object for ToolHive, an array for the upstream API list) or "data.servers"; found keys "data", "a"'],
  ]
  for (const [doc, reason] of unknown) {
    it(`rejects ${JSON.stringify(doc)}`, () => {
      const r = detectFormat(doc)
      expect(E.isLeft(r) && { code: r.left.code, reason: r.left.reason }).to.deep.equal({ code: 'UnknownFormat', reason })
    })
  }

  it('never throws on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (doc) => { detectFormat(doc) }))
  })
})

describe('detectDeclaredFormat', () => {
  const cases: ReadonlyArray<[unknown, 'toolhive' | 'upstream', boolean]> = [
    [readFixture(ToolHiveFile), 'toolhive', true],
    [readFixture(ToolHiveFile), 'upstream', false],
    [wrapper, 'upstream', true],
    [wrapper, 'toolhive', false],
    [readFixture(LegacySeedFile), 'upstream', true],
    [[], 'toolhive', false],
  ]
  cases.forEach(([doc, declared, accepted], i) => {
    it(`${accepted ? 'accepts' : 'rejects'} case ${i} declared ${declared}`, () => {
      const r = detectDeclaredFormat(doc, declared)
      expect(E.isRight(r) ? 'ok' : r.left.code).to.equal(accepted ? 'ok' : 'FormatMismatch')
    })
  })
})
