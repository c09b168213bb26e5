import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { decodeOwnedWith, decodeWith } from './decode-failure.js'
import { LegacyServerListCodec } from './legacy-server.codec.js'
import { isVersionRange, ServerJsonCodec } from './server-json.codec.js'
import { DeployedServerSummaryCodec, RegistrySnapshotCodec } from './snapshot.codec.js'
import { isRecord } from './struct.codec.js'
import { ToolHiveRegistryCodec } from './toolhive-registry.codec.js'
import { ToolHiveUpstreamRegistryCodec } from './toolhive-upstream.codec.js'
import { ServerListCodec, ServerResponseCodec } from './upstream-api.codec.js'
import { hostileJson, serverJson, toolHiveRegistry } from '../test/arbitraries.js'
import { serverSchemaAccepts, toolHiveSchemaAccepts } from '../test/support.js'

const codecs: ReadonlyArray<t.Mixed> = [
  ToolHiveRegistryCodec, ServerJsonCodec, ServerResponseCodec, ServerListCodec, ToolHiveUpstreamRegistryCodec,
  LegacyServerListCodec, RegistrySnapshotCodec, DeployedServerSummaryCodec,
]
/** Through JSON text, so `__proto__` keys become own properties exactly as parsed input has them. */
const asParsed = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? 'null') as unknown

function expectNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => !['constructor', '__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf'].includes(k))).to.deep.equal([])
}

describe('decoding arbitrary input', () => {
  for (const codec of codecs) {
    it(`never throws in ${codec.name} and always gives a typed result`, () => {
      const decode = decodeWith(codec)
      fc.assert(fc.property(fc.oneof(fc.jsonValue(), hostileJson.map(asParsed), fc.anything()), (u) => {
        const r = decode(u)
        expect(r._tag === 'Right' || (r.left._tag === 'DecodeFailure' && r.left.issues.length > 0)).to.equal(true)
      }), { numRuns: 300 })
      expectNoPollution()
    })
  }
})

describe('decoding handed-over input (decodeOwnedWith)', () => {
  for (const codec of codecs) {
    it(`gives the same result as decodeWith in ${codec.name}`, () => {
      const decode = decodeWith(codec)
      const decodeOwned = decodeOwnedWith(codec)
      fc.assert(fc.property(fc.oneof(fc.jsonValue(), hostileJson.map(asParsed), fc.anything()), (u) => {
        expect(decodeOwned(u)).to.deep.equal(decode(u))
      }), { numRuns: 300 })
      expectNoPollution()
    })
  }

  it('keeps a valid parsed ToolHive registry and server.json as they are', () => {
    fc.assert(fc.property(toolHiveRegistry.map(asParsed), serverJson.map(asParsed), (registry, server) => {
      const r = decodeOwnedWith(ToolHiveRegistryCodec)(registry)
      const s = decodeOwnedWith(ServerJsonCodec)(server)
      expect([E.isRight(r) && r.right === registry, E.isRight(s) && s.right === server]).to.deep.equal([true, true])
    }), { numRuns: 60 })
  })
})

describe('generated valid documents', () => {
  it('decode as ToolHive registries, ajv accepts them, and encode back to the same document', () => {
    const decode = decodeWith(ToolHiveRegistryCodec)
    fc.assert(fc.property(toolHiveRegistry.map(asParsed), (doc) => {
      const r = decode(doc)
      if (E.isLeft(r)) expect.fail(r.left.message)
      expect(toolHiveSchemaAccepts(doc)).to.equal(true)
      expect(ToolHiveRegistryCodec.encode(r.right)).to.deep.equal(doc)
      expect(decode(ToolHiveRegistryCodec.encode(r.right))).to.deep.equal(r)
    }), { numRuns: 60 })
  })

  it('decode as server.json, ajv accepts them, and encode back to the same document', () => {
    const decode = decodeWith(ServerJsonCodec)
    fc.assert(fc.property(serverJson.map(asParsed), (doc) => {
      const r = decode(doc)
      if (E.isLeft(r)) expect.fail(r.left.message)
      expect(serverSchemaAccepts(doc)).to.equal(true)
      expect(ServerJsonCodec.encode(r.right)).to.deep.equal(doc)
    }), { numRuns: 60 })
  })
})

/** Replaces the value at a random path of a JSON document (or deletes it, or adds an unknown key). */
function mutate(doc: unknown, choice: number, replacement: unknown): unknown {
  const copy = asParsed(doc)
  const paths: Array<Array<string | number>> = []
  const walk = (v: unknown, path: Array<string | number>): void => {
    paths.push(path)
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]))
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...path, k])
  }
  walk(copy, [])
  const path = paths[choice % paths.length] ?? []
  if (path.length === 0) return replacement
  let parent = copy as Record<string | number, unknown>
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (replacement === undefined && !Array.isArray(parent)) delete parent[last]
  else if (typeof replacement === 'object' && replacement !== null && 'unknownKey' in replacement && typeof parent[last] === 'object' && parent[last] !== null && !Array.isArray(parent[last])) {
    (parent[last] as Record<string, unknown>)['zz-unknown'] = 1
  } else parent[last] = replacement
  return copy
}

const replacement = fc.oneof(
  fc.constant(undefined), fc.constant({ unknownKey: true }), fc.constant(null), fc.integer({ min: -2, max: 70000 }), fc.boolean(),
  fc.constantFrom('', 'x', 'Active', 'stdio', 'sse', 'not a uri', 'https://ok.example.com', '2025-13-01T00:00:00Z', 'A', '1.0.0', '^1.0.0', '-bad-'),
  fc.constant([]), fc.constant({}),
)

describe('agreement with the JSON schemas on mutated documents', () => {
  it('ToolHive codec and ajv give the same verdict', () => {
    const decode = decodeWith(ToolHiveRegistryCodec)
    const verdicts = { accepted: 0, rejected: 0 }
    fc.assert(fc.property(toolHiveRegistry, fc.nat(), replacement, (doc, choice, rep) => {
      const m = mutate(doc, choice, rep)
      const accepted = E.isRight(decode(m))
      verdicts[accepted ? 'accepted' : 'rejected']++
      expect(accepted, JSON.stringify(m)).to.equal(toolHiveSchemaAccepts(m))
    }), { numRuns: 200 })
    // Both verdicts must occur, or the property proved nothing.
    expect(verdicts.accepted).to.be.above(10)
    expect(verdicts.rejected).to.be.above(10)
  })

  it('server.json codec and ajv give the same verdict (version ranges aside)', () => {
    const decode = decodeWith(ServerJsonCodec)
    const verdicts = { accepted: 0, rejected: 0 }
    fc.assert(fc.property(serverJson, fc.nat(), replacement, (doc, choice, rep) => {
      const m = mutate(doc, choice, rep)
      // Version ranges are rejected on purpose (the schema forbids them only in prose); see the table cases.
      fc.pre(!(isRecord(m) && typeof m['version'] === 'string' && isVersionRange(m['version'])))
      const accepted = E.isRight(decode(m))
      verdicts[accepted ? 'accepted' : 'rejected']++
      expect(accepted, JSON.stringify(m)).to.equal(serverSchemaAccepts(m))
    }), { numRuns: 300 })
    expect(verdicts.accepted).to.be.above(10)
    expect(verdicts.rejected).to.be.above(10)
  })
})
