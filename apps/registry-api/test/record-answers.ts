// Records the API's answers for every corpus of test/support/recorded-answers.ts into testdata/api-answers/.
// Run once per deliberate change of the answers (never to make a failing comparison pass):
//   node --conditions=@thv/source --import tsx apps/registry-api/test/record-answers.ts [corpus...]
import { startApi } from './support/api-harness.js'
import { answerOf, Corpora, CrawledLists, pathsOf, writeRecording, type RecordedAnswer } from './support/recorded-answers.js'
import { renderToolHiveForTests, toolHiveKeysOf } from './support/toolhive.js'

const MAX_PAGES = 120

async function record(corpusName: string): Promise<void> {
  const corpus = Corpora.find((c) => c.name === corpusName)
  if (corpus === undefined) throw new Error(`No corpus ${corpusName}; known: ${Corpora.map((c) => c.name).join(', ')}`)
  const snapshot = corpus.snapshot()
  const keys = toolHiveKeysOf(snapshot).sort()
  const api = await startApi(renderToolHiveForTests, snapshot)
  try {
    const answers: RecordedAnswer[] = []
    for (const path of pathsOf(snapshot, keys)) answers.push(await answerOf(api.url, path))
    const prefixes = ['', ...(snapshot.views ?? []).map((v) => `/registry/${v.name}`)]
    for (const prefix of prefixes) {
      for (const list of CrawledLists) {
        let path: string | undefined = `${prefix}${list}`
        for (let page = 0; path !== undefined && page < MAX_PAGES; page++) {
          const answer = await answerOf(api.url, path)
          answers.push(answer)
          const next = await (await fetch(`${api.url}${path}`)).json() as { metadata?: { nextCursor?: string } }
          const cursor = next.metadata?.nextCursor
          path = cursor === undefined ? undefined : `${prefix}${list}&cursor=${encodeURIComponent(cursor)}`
        }
      }
    }
    writeRecording({ corpus: corpus.name, snapshot: corpus.description, answers })
    process.stdout.write(`${corpus.name}: ${answers.length} answers\n`)
  } finally {
    await api.close()
  }
}

const names = process.argv.slice(2)
for (const name of names.length === 0 ? Corpora.map((c) => c.name) : names) await record(name)
