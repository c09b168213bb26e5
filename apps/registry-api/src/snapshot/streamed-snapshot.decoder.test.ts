import { gzipSync } from 'node:zlib'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { OfficialMetaKey, type RegistrySnapshot } from '@thv/registry-model'
import { multiViewSnapshot } from '../../test/support/snapshots.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'
import { streamedViewsDecoder } from './streamed-snapshot.decoder.js'

type Doc = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe('streamedViewsDecoder', () => {
  const decode = streamedViewsDecoder({ renderToolHive: renderToolHiveForTests })
  const snapshot = multiViewSnapshot()
  const read = async (doc: unknown, gzipped = true): ReturnType<typeof decode> => {
    const json = JSON.stringify(doc)
    return decode(gzipped ? gzipSync(json) : json, gzipped, (doc as RegistrySnapshot).hash, true)
  }
  const edited = (f: (d: Doc) => void): Doc => {
    const d = JSON.parse(JSON.stringify(snapshot)) as Doc
    f(d)
    return d
  }

  it('builds every view of a stored snapshot, gzip\'d or plain', async () => {
    expect(snapshot.views?.length).to.be.above(1)
    for (const gzipped of [true, false]) {
      const r = await read(snapshot, gzipped)
      if (E.isLeft(r) || 'invalid' in r.right) throw new Error(`not read: ${JSON.stringify(r)}`)
      expect(r.right.hash).to.equal(snapshot.hash)
      expect([...r.right.views.named.keys()]).to.deep.equal(snapshot.views?.map((v) => v.name))
      expect(r.right.views.view.entries.length).to.equal(snapshot.servers.length)
    }
  })

  it('reads a snapshot the codec refuses as invalid, naming the server or the rule', async () => {
    const cases: ReadonlyArray<readonly [Doc, RegExp]> = [
      [edited((d) => { d.servers[1]._meta[OfficialMetaKey].status = 'bogus' }), /^servers\/1: Invalid ServerResponse: _meta\/.*status/],
      [edited((d) => { d.extraServers[0].server.name = 7 }), /^extraServers\/0: Invalid ServerResponse: server\/name/],
      [edited((d) => { d.views[1].entries = [10_000] }), /^Invalid RegistrySnapshot\(views\[0\] has no entries/],
      [edited((d) => { d.servers[1] = d.servers[0] }), /duplicate of item 0/],
      [edited((d) => { d.registry.format = 'yaml' }), /registry\/format: must be one of/],
    ]
    for (const [doc, reason] of cases) {
      const r = await read(doc)
      expect(E.isRight(r) && 'invalid' in r.right && r.right.hash).to.equal(snapshot.hash)
      expect(E.isRight(r) && 'invalid' in r.right ? r.right.invalid : '').to.match(reason)
    }
  })

  it('is Left for bytes that are not a snapshot: not JSON, another hash', async () => {
    const notJson = await decode(gzipSync(JSON.stringify(snapshot).slice(0, -1)), true, snapshot.hash, true)
    expect(E.isLeft(notJson) && notJson.left).to.match(/^snapshot is not JSON: /)
    const otherHash = await decode(gzipSync(JSON.stringify(snapshot)), true, 'f'.repeat(64), true)
    expect(E.isLeft(otherHash) && otherHash.left).to.match(/^snapshot hash .* differs from the recorded f{64}$/)
  })
})
