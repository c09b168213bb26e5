/**
 * Snapshot build benchmark: how long the CPU-bound steps of a sync and of a snapshot load take for
 * ToolHive registries of 1,000 and 10,000 servers generated from the real fixture by @thv/generate-registry.
 *
 * Steps: `parseJson` (raw source bytes -> value), decode ToolHive (`decodeToolHiveRegistry`, which copies, and with
 * `decodeOwnedWith` as `buildSnapshot` decodes its freshly parsed document), `buildSnapshot` (the whole pipeline from
 * raw bytes), `decodeSnapshot` (a stored snapshot's parsed value -> validated snapshot) and the snapshot hash
 * (`canonicalSha256Hex`, canonical JSON streamed into sha256, as `buildSnapshot` computes it). Each figure is the median of several interleaved rounds; the in-run baseline is plain
 * `JSON.parse` of the same bytes (source bytes for the source steps, the stored snapshot's bytes for the snapshot
 * steps), and every step is also printed as a ratio to it, so figures from different machines stay comparable.
 * Targets: buildSnapshot for 10,000 servers well inside the 3 s sync budget, decodeSnapshot within the 1 s load budget.
 * Run alone: node --conditions=@thv/source --import tsx bench/snapshot-build.bench.ts
 * (`THV_BENCH_SNAPSHOT_RUNS` sets the runs per figure, default 5.)
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import { buildSnapshot, canonicalJson, canonicalSha256Hex } from '@thv/converters'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import {
  decodeOwnedWith, decodeSnapshot, decodeToolHiveRegistry, parseJson, ToolHiveRegistryCodec, type RegistrySnapshot,
} from '@thv/registry-model'
import { measureAll } from './measure.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env['THV_BENCH_SNAPSHOT_RUNS'] ?? 5)
const SIZES = [1_000, 10_000] as const

const orThrow = <L, R>(e: E.Either<L, R>): R => {
  if (E.isLeft(e)) throw new Error(`benchmark step failed: ${JSON.stringify(e.left).slice(0, 500)}`)
  return e.right
}

function fixture(): ToolHiveRegistryDocument {
  const dir = join(process.env['THV_SHARED_DIR'] ?? join(ROOT, 'testdata'), 'fixtures')
  return JSON.parse(readFileSync(join(dir, 'toolhive-registry.json'), 'utf8')) as ToolHiveRegistryDocument
}

const decodeOwnedToolHive = decodeOwnedWith(ToolHiveRegistryCodec)

const build = (raw: Uint8Array): RegistrySnapshot =>
  orThrow(buildSnapshot({
    raw,
    registry: { name: 'bench', namespace: 'bench', source: { type: 'configmap', ref: 'bench/registry-data#registry.json' } },
    now: new Date('2026-11-25T00:00:00Z'),
  }))

interface SizeResult {
  readonly servers: number
  readonly sourceBytes: number
  readonly snapshotBytes: number
  /** Baselines: JSON.parse of the source bytes and of the stored snapshot's bytes. */
  readonly jsonParseSourceMs: number
  readonly jsonParseSnapshotMs: number
  readonly parseJsonMs: number
  readonly decodeToolHiveMs: number
  /** Decoding a value handed over (no copies of valid parts), as buildSnapshot decodes its parsed document. */
  readonly decodeToolHiveOwnedMs: number
  readonly buildSnapshotMs: number
  readonly decodeSnapshotMs: number
  readonly canonicalHashMs: number
}

function runSize(template: ToolHiveRegistryDocument, servers: number): SizeResult {
  const raw = new TextEncoder().encode(JSON.stringify(generateRegistry({ template, count: servers, seed: 7 })))
  const text = new TextDecoder().decode(raw)
  const snapshot = build(raw)
  const snapshotText = canonicalJson(snapshot)
  const parsedSource: unknown = JSON.parse(text)
  const parsedSnapshot: unknown = JSON.parse(snapshotText)
  const ms = measureAll({
    jsonParseSourceMs: () => JSON.parse(new TextDecoder().decode(raw)),
    parseJsonMs: () => orThrow(parseJson(raw)),
    decodeToolHiveMs: () => orThrow(decodeToolHiveRegistry(parsedSource)),
    decodeToolHiveOwnedMs: () => orThrow(decodeOwnedToolHive(parsedSource)),
    buildSnapshotMs: () => build(raw),
    jsonParseSnapshotMs: () => JSON.parse(snapshotText),
    decodeSnapshotMs: () => orThrow(decodeSnapshot(parsedSnapshot)),
    canonicalHashMs: () => canonicalSha256Hex(snapshot),
  }, RUNS)
  return { servers, sourceBytes: raw.length, snapshotBytes: Buffer.byteLength(snapshotText), ...ms }
}

function printTable(results: readonly SizeResult[]): void {
  const rows: Array<[string, (r: SizeResult) => number, (r: SizeResult) => number]> = [
    ['JSON.parse source (baseline)', (r) => r.jsonParseSourceMs, (r) => r.jsonParseSourceMs],
    ['parseJson', (r) => r.parseJsonMs, (r) => r.jsonParseSourceMs],
    ['decode ToolHive', (r) => r.decodeToolHiveMs, (r) => r.jsonParseSourceMs],
    ['decode ToolHive (handed over)', (r) => r.decodeToolHiveOwnedMs, (r) => r.jsonParseSourceMs],
    ['buildSnapshot (from bytes)', (r) => r.buildSnapshotMs, (r) => r.jsonParseSourceMs],
    ['JSON.parse snapshot (baseline)', (r) => r.jsonParseSnapshotMs, (r) => r.jsonParseSnapshotMs],
    ['decodeSnapshot', (r) => r.decodeSnapshotMs, (r) => r.jsonParseSnapshotMs],
    ['snapshot hash (canonical sha256)', (r) => r.canonicalHashMs, (r) => r.jsonParseSnapshotMs],
  ]
  const header = ['step', ...results.flatMap((r) => [`${r.servers} ms`, `${r.servers} ×base`])]
  const lines = rows.map(([label, ms, base]) => [
    label,
    ...results.flatMap((r) => [ms(r).toFixed(1), (ms(r) / base(r)).toFixed(2)]),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)))
  const fmt = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')
  process.stdout.write(`${fmt(header)}\n${lines.map(fmt).join('\n')}\n`)
}

function main(): void {
  const template = fixture()
  const load = loadavg().map((l) => Math.round(l * 100) / 100)
  process.stderr.write(`[bench snapshot-build] ${RUNS} runs per figure, load average ${load.join(' ')}, ${cpus().length} CPUs\n`)
  const results = SIZES.map((n) => runSize(template, n))
  printTable(results)
  const ten = results.find((r) => r.servers === 10_000) as SizeResult
  const result = {
    'snapshot-build': {
      runs: RUNS,
      loadAverage: load,
      buildTenThousandMs: ten.buildSnapshotMs,
      buildTenThousandRatio: Math.round((ten.buildSnapshotMs / ten.jsonParseSourceMs) * 100) / 100,
      decodeSnapshotTenThousandMs: ten.decodeSnapshotMs,
      decodeSnapshotTenThousandRatio: Math.round((ten.decodeSnapshotMs / ten.jsonParseSnapshotMs) * 100) / 100,
      sizes: results,
    },
  }
  const line = JSON.stringify(result)
  const file = process.env['THV_BENCH_RESULT_FILE']
  if (file !== undefined && file !== '') writeFileSync(file, `${line}\n`)
  process.stdout.write(`${line}\n`)
}

main()
