/**
 * Canonical JSON benchmark: our serialiser (@thv/converters `canonicalJson`, and `canonicalSha256Hex`, which streams
 * it into SHA-256 as `buildSnapshot` hashes a snapshot) against the maintained `canonicalize` package (RFC 8785, by
 * the RFC's co-author), on the snapshot of a 10,000-server registry generated from the real ToolHive fixture.
 *
 * Before timing, it checks that both write the same bytes for the snapshot (and for a copy with its keys in
 * reverse order), so the race is between equal outputs. The in-run baseline is `JSON.stringify` of the same value
 * (not canonical: it keeps insertion order); every figure is also printed as a ratio to it. `oursToPackage` is our
 * time over the package's (< 1: ours is faster), for the text and for the hash.
 * Run alone: node --conditions=@thv/source --import tsx bench/canonical-json.bench.ts
 * (`THV_BENCH_CANONICAL_RUNS` sets the rounds per figure, default 9.)
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import canonicalize from 'canonicalize'
import * as E from 'fp-ts/lib/Either.js'
import { buildSnapshot, canonicalJson, canonicalSha256Hex } from '@thv/converters'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import type { RegistrySnapshot } from '@thv/registry-model'
import { measureAll } from './measure.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env['THV_BENCH_CANONICAL_RUNS'] ?? 9)
const SERVERS = 10_000

function snapshotOf(servers: number): RegistrySnapshot {
  const dir = join(process.env['THV_SHARED_DIR'] ?? join(ROOT, 'testdata'), 'fixtures')
  const template = JSON.parse(readFileSync(join(dir, 'toolhive-registry.json'), 'utf8')) as ToolHiveRegistryDocument
  const raw = new TextEncoder().encode(JSON.stringify(generateRegistry({ template, count: servers, seed: 7 })))
  const built = buildSnapshot({
    raw,
    registry: { name: 'bench', namespace: 'bench', source: { type: 'configmap', ref: 'bench/registry-data#registry.json' } },
    now: new Date('2026-11-25T00:00:00Z'),
  })
  if (E.isLeft(built)) throw new Error(`buildSnapshot failed: ${built.left.message}`)
  return built.right
}

/** A deep copy with every object's keys inserted in reverse order: the worst case for a serialiser that sorts. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]))
}

const packageText = (value: unknown): string => {
  const text = canonicalize(value)
  if (text === undefined) throw new Error('canonicalize returned undefined for a JSON value')
  return text
}
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

function main(): void {
  const load = loadavg().map((l) => Math.round(l * 100) / 100)
  process.stderr.write(`[bench canonical-json] ${RUNS} runs per figure, load average ${load.join(' ')}, ${cpus().length} CPUs\n`)
  const snapshot = snapshotOf(SERVERS)
  const shuffled = reversedKeys(snapshot)
  const ours = canonicalJson(snapshot)
  for (const value of [snapshot, shuffled]) {
    if (packageText(value) !== ours || canonicalJson(value) !== ours) throw new Error('canonicalJson and canonicalize disagree on the snapshot')
  }
  if (canonicalSha256Hex(snapshot) !== sha256(ours)) throw new Error('canonicalSha256Hex is not the sha256 of canonicalJson')

  const ms = measureAll({
    jsonStringifyMs: () => JSON.stringify(snapshot),
    oursTextMs: () => canonicalJson(snapshot),
    packageTextMs: () => packageText(snapshot),
    oursHashMs: () => canonicalSha256Hex(snapshot),
    packageHashMs: () => sha256(packageText(snapshot)),
    oursReversedTextMs: () => canonicalJson(shuffled),
    packageReversedTextMs: () => packageText(shuffled),
  }, RUNS)
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100
  const rows: Array<[string, number]> = [
    ['JSON.stringify (baseline, not canonical)', ms.jsonStringifyMs],
    ['ours: canonicalJson', ms.oursTextMs],
    ['canonicalize', ms.packageTextMs],
    ['ours: canonicalSha256Hex (streamed)', ms.oursHashMs],
    ['canonicalize + sha256', ms.packageHashMs],
    ['ours: canonicalJson, keys reversed', ms.oursReversedTextMs],
    ['canonicalize, keys reversed', ms.packageReversedTextMs],
  ]
  const w = Math.max(...rows.map(([l]) => l.length))
  process.stdout.write(`${'step'.padEnd(w)}  ${SERVERS} ms  ×base\n`)
  for (const [label, v] of rows) process.stdout.write(`${label.padEnd(w)}  ${v.toFixed(1).padStart(8)}  ${ratio(v, ms.jsonStringifyMs).toFixed(2).padStart(5)}\n`)
  const result = {
    'canonical-json': {
      runs: RUNS,
      loadAverage: load,
      servers: SERVERS,
      snapshotBytes: Buffer.byteLength(ours),
      ...ms,
      oursToPackage: ratio(ms.oursTextMs, ms.packageTextMs),
      oursToPackageHash: ratio(ms.oursHashMs, ms.packageHashMs),
      oursToPackageReversed: ratio(ms.oursReversedTextMs, ms.packageReversedTextMs),
    },
  }
  const line = JSON.stringify(result)
  const file = process.env['THV_BENCH_RESULT_FILE']
  if (file !== undefined && file !== '') writeFileSync(file, `${line}\n`)
  process.stdout.write(`${line}\n`)
}

main()
