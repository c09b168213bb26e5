import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import type { DecodeFailure } from './decode-failure.js'
import { parseJson } from './json-parse.js'
import { decodeLegacyServerList } from './legacy-server.codec.js'
import { decodeToolHiveRegistry } from './toolhive-registry.codec.js'
import { decodeToolHiveUpstreamRegistry } from './toolhive-upstream.codec.js'
import { fixtureBytes } from '../test/support.js'

// [fixture, decoder, number of server entries it holds]
const fixtures: ReadonlyArray<readonly [string, (u: unknown) => E.Either<DecodeFailure, unknown>, (v: never) => number, number]> = [
  ['toolhive-registry.json', decodeToolHiveRegistry, (r: { servers: object; remote_servers?: object }) => Object.keys(r.servers).length + Object.keys(r.remote_servers ?? {}).length, 86],
  ['toolhive-upstream-registry-2025-12-11.json', decodeToolHiveUpstreamRegistry, (r: { data: { servers: unknown[] } }) => r.data.servers.length, 12],
  ['upstream-seed-2025-05-16.json', decodeLegacyServerList, (r: unknown[]) => r.length, 471],
]

describe('shared fixtures', () => {
  for (const [name, decode, count, expected] of fixtures) {
    it(`decodes ${name} from raw bytes with all ${expected} entries`, () => {
      const r = E.chainW(decode)(parseJson(fixtureBytes(name)))
      if (E.isLeft(r)) expect.fail(r.left.message)
      expect(count(r.right as never)).to.equal(expected)
    })
  }

  it('rejects the legacy seed as a ToolHive registry, naming the place', () => {
    const r = E.chainW(decodeToolHiveRegistry)(parseJson(fixtureBytes('upstream-seed-2025-05-16.json')))
    expect(E.isLeft(r) && r.left.message).to.equal('Invalid ToolHiveRegistry: expected object ToolHiveRegistry, got array')
  })

  it('reports the byte offset, line and column when a fixture is truncated', () => {
    // Byte 991 opens the string "insecure_allow_all" that the cut at byte 1000 leaves unterminated.
    const r = parseJson(fixtureBytes('toolhive-registry.json').subarray(0, 1000))
    expect(E.isLeft(r) && r.left.message).to.equal('Invalid JSON at byte 991 (line 34, column 13): unterminated string')
  })
})
