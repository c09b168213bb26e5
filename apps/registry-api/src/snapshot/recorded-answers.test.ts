import { gzipSync } from 'node:zlib'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { startApi, type RunningApi } from '../../test/support/api-harness.js'
import { answerOf, Corpora, readRecording } from '../../test/support/recorded-answers.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'
import type { ServedSnapshot } from './served-snapshot.js'
import { streamedViewsDecoder } from './streamed-snapshot.decoder.js'

/** Serves `snapshot` as cluster mode does: its views built while its stored (gzip'd JSON) payload streams. */
async function startStreamed(snapshot: ServedSnapshot): Promise<RunningApi> {
  const api = await startApi(renderToolHiveForTests)
  const read = await streamedViewsDecoder(api.store.viewOptions)(gzipSync(JSON.stringify(snapshot)), true, snapshot.hash, true)
  if (E.isLeft(read) || 'invalid' in read.right) throw new Error(`not read: ${JSON.stringify(read)}`)
  expect(api.store.offerViews(read.right.views)).to.equal('swapped')
  return api
}

// Every endpoint answers exactly what the implementation that recorded testdata/api-answers/ answered (status,
// headers, body bytes by SHA-256), for the fixtures and for a generated 10,000-server registry: with views built from
// a snapshot in memory (--file mode, tests) and with views built while a stored snapshot streams (cluster mode).
describe('recorded answers (testdata/api-answers)', () => {
  const builds = {
    'snapshot in memory': (snapshot: ServedSnapshot) => startApi(renderToolHiveForTests, snapshot),
    'stored snapshot, streamed': startStreamed,
  }
  for (const [build, start] of Object.entries(builds)) {
    for (const corpus of Corpora) {
      describe(`${corpus.name}, ${build}`, () => {
        let api: RunningApi
        before(async function () {
          this.timeout(120_000)
          api = await start(corpus.snapshot())
        })
        after(() => api.close())

        it('answers every recorded request with the same status, headers and bytes', async function () {
          this.timeout(120_000)
          const recording = readRecording(corpus.name)
          expect(recording.answers.length).to.be.above(200)
          for (const recorded of recording.answers) {
            const actual = await answerOf(api.url, recorded.path)
            expect(actual, recorded.path).to.deep.equal(recorded)
          }
        })
      })
    }
  }
})
