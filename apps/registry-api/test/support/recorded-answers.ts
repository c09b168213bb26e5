// The API's answers to a fixed set of requests per corpus (a snapshot), recorded once into testdata/api-answers/ and
// replayed by src/snapshot/recorded-answers.test.ts, so a new snapshot representation is checked byte for byte
// against the implementation that recorded them. `record-answers.ts` next to this file writes the recordings.
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { buildSnapshot } from '@thv/converters'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import type { RegistrySnapshot } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { REPO_ROOT, readFixture } from './fixtures.js'
import { fixtureSnapshot, manyVersionsSnapshot, multiViewSnapshot } from './snapshots.js'

/** Where the recordings live. */
export const AnswersDir = join(REPO_ROOT, 'testdata', 'api-answers')

/** The headers a recording keeps (those the API sets; node adds Date, Connection, Keep-Alive). */
const KEPT_HEADERS = ['content-type', 'etag', 'vary', 'cache-control', 'allow'] as const

/** One recorded answer: the body by SHA-256 and length, and in full when it is short. */
export interface RecordedAnswer {
  readonly path: string
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly bytes: number
  readonly sha256: string
  /** The body as text, for bodies up to `InlineBodyBytes` (to show a difference readably). */
  readonly body?: string
}

/** Bodies up to this size are kept in full in the recording. */
export const InlineBodyBytes = 4096

/** A recording: the corpus name, how its snapshot is made (prose) and every answer. */
export interface Recording {
  readonly corpus: string
  readonly snapshot: string
  readonly answers: readonly RecordedAnswer[]
}

/**
 * Asks `baseUrl` for `path` and describes the answer. Asks for the identity coding: compressed variants of the big
 * documents appear in the background, so a compressed answer's ETag would depend on timing.
 */
export async function answerOf(baseUrl: string, path: string): Promise<RecordedAnswer> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { 'accept-encoding': 'identity' } })
  const body = Buffer.from(await res.arrayBuffer())
  const headers: Record<string, string> = {}
  for (const name of KEPT_HEADERS) {
    const value = res.headers.get(name)
    if (value !== null) headers[name] = value
  }
  return {
    path, status: res.status, headers, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'),
    ...(body.length <= InlineBodyBytes ? { body: body.toString('utf8') } : {}),
  }
}

/** Reads a recording. */
export function readRecording(corpus: string): Recording {
  return JSON.parse(gunzipSync(readFileSync(join(AnswersDir, `${corpus}.json.gz`))).toString('utf8')) as Recording
}

/** Writes a recording (gzip'd JSON, one answer per line inside, so a diff of the unzipped files reads well). */
export function writeRecording(recording: Recording): void {
  const text = `{"corpus":${JSON.stringify(recording.corpus)},"snapshot":${JSON.stringify(recording.snapshot)},"answers":[\n${recording.answers.map((a) => JSON.stringify(a)).join(',\n')}\n]}\n`
  writeFileSync(join(AnswersDir, `${recording.corpus}.json.gz`), gzipSync(text, { level: 9 }))
}

/** The snapshot of `count` servers generated from the ToolHive fixture (seed 1), built as `--file` mode builds it. */
export function generatedSnapshot(count: number): RegistrySnapshot {
  const template = readFixture('toolhive-registry.json') as ToolHiveRegistryDocument
  const built = buildSnapshot({
    raw: JSON.stringify(generateRegistry({ template, count, seed: 1 })),
    registry: { name: 'generated', namespace: 'default', source: { type: 'file', ref: '/data/registry.json' } },
    now: new Date('2026-12-01T00:00:00Z'),
  })
  if (E.isLeft(built)) throw built.left
  return built.right
}

/** A corpus: a snapshot, described in prose for the recording. */
export interface Corpus {
  readonly name: string
  readonly description: string
  readonly snapshot: () => RegistrySnapshot
}

/** Every recorded corpus. */
export const Corpora: readonly Corpus[] = [
  { name: 'fixture', description: 'fixtureSnapshot() of test/support/snapshots.ts: the 12 servers of toolhive-upstream-registry-2025-12-11.json plus older, build-metadata, deleted and deprecated versions, one deployed server', snapshot: fixtureSnapshot },
  { name: 'many-versions', description: 'manyVersionsSnapshot() of test/support/snapshots.ts: the 12 fixture servers in versions 1.0.0 to 1.0.10', snapshot: manyVersionsSnapshot },
  { name: 'views', description: 'multiViewSnapshot() of test/support/snapshots.ts: two sources, views all and community-only', snapshot: multiViewSnapshot },
  { name: 'generated-10k', description: 'generatedSnapshot(10000): generateRegistry({template: toolhive-registry.json, count: 10000, seed: 1}) built with buildSnapshot, now 2026-12-01T00:00:00Z', snapshot: () => generatedSnapshot(10_000) },
]

const enc = encodeURIComponent

/** Up to `n` items of `xs`, evenly spaced, first and last included. */
function spread<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs]
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))] as T)
}

/**
 * The request paths of a corpus (without the pages reached by following `nextCursor`, which the recorder adds):
 * every endpoint, for a sample of the snapshot's servers and versions, and each path again under every view prefix.
 */
export function pathsOf(snapshot: RegistrySnapshot, toolHiveKeys: readonly string[]): string[] {
  const names = [...new Set(snapshot.servers.map((s) => s.server.name))]
  const sample = spread(names, 12)
  const versions = spread(snapshot.servers, 12)
  const prefixes = ['', ...(snapshot.views ?? []).map((v) => `/registry/${v.name}`)]
  const paths: string[] = []
  for (const prefix of prefixes) {
    const reg = `${prefix}/api/v1/registry`
    paths.push(`${reg}/info`, `${reg}/servers`, `${reg}/servers?format=toolhive`, `${reg}/servers?format=upstream`, `${reg}/servers?format=yaml`,
      `${reg}/servers/deployed`, `${reg}/servers/deployed/fetch-prod`, `${reg}/servers/deployed/io.github.stacklok%2Ffetch`, `${reg}/servers/deployed/none`)
    for (const key of spread(toolHiveKeys, 8)) paths.push(`${reg}/servers/${enc(key)}`, `${reg}/servers/${enc(key)}?format=upstream`)
    for (const name of sample) paths.push(`${reg}/servers/${enc(name)}`, `${reg}/servers/${enc(name)}?format=upstream`)
    paths.push(`${reg}/servers/no-such-server`, `${reg}/servers/no-such-server?format=upstream`)
    for (const api of ['/v0', '/v0.1']) {
      const base = `${prefix}${api}/servers`
      paths.push(base, `${base}?limit=1`, `${base}?limit=100`, `${base}?limit=7&version=latest`, `${base}?limit=50&version=1.0.0`,
        `${base}?limit=100&include_deleted=true`, `${base}?search=fetch`, `${base}?search=GitHub&limit=100`, `${base}?search=alpha&limit=100`,
        `${base}?search=zzz-no-match`, `${base}?updated_since=2025-11-26T00:30:00Z&limit=100`, `${base}?updated_since=2026-01-01T00:00:00Z`,
        `${base}?limit=0`, `${base}?limit=101`, `${base}?cursor=not-a-cursor`, `${base}?updated_since=yesterday`, `${base}?version=`)
      for (const name of sample) {
        paths.push(`${base}/${enc(name)}/versions`, `${base}/${enc(name)}/versions?include_deleted=true`, `${base}/${enc(name)}/versions/latest`)
      }
      for (const v of versions) {
        paths.push(`${base}/${enc(v.server.name)}/versions/${enc(v.server.version)}`, `${base}/${enc(v.server.name)}/versions/${enc(v.server.version)}?include_deleted=true`)
      }
      paths.push(`${base}/no-such-server/versions`, `${base}/no-such-server/versions/latest`, `${base}/${enc(sample[0] ?? 'x')}/versions/9.9.9`)
    }
  }
  paths.push('/registry/no-such-view/v0.1/servers', '/registry/no-such-view/api/v1/registry/info')
  return paths
}

/** The list queries whose every page is recorded by following `nextCursor` (at most `maxPages` pages each). */
export const CrawledLists: readonly string[] = ['/v0.1/servers?limit=100', '/v0.1/servers?limit=30&search=e', '/v0/servers?limit=100&include_deleted=true']
