import { expect } from 'chai'
import { startApi, type RunningApi } from '../../test/support/api-harness.js'
import { answerOf, Corpora, readRecording } from '../../test/support/recorded-answers.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'

// Every endpoint answers exactly what the implementation that recorded testdata/api-answers/ answered (status,
// headers, body bytes by SHA-256), for the fixtures and for a generated 10,000-server registry.
describe('recorded answers (testdata/api-answers)', () => {
  for (const corpus of Corpora) {
    describe(corpus.name, () => {
      let api: RunningApi
      before(async function () {
        this.timeout(120_000)
        api = await startApi(renderToolHiveForTests, corpus.snapshot())
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
})
