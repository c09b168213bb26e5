// Registry API memory at scale (issue 19): resident size with a 10,000- and a 100,000-server registry, the peak
// while a new 100,000-server snapshot replaces the old one, how long that takes, and the list p99 at 100,000.
// Run: node --conditions=@thv/source --import tsx bench/api-memory.bench.ts
// Env: THV_BENCH_MEMORY_SIZES (10000,100000), THV_BENCH_MEMORY_SECONDS of list load (5),
//      THV_BENCH_MEMORY_NODE_OPTIONS (default: the NODE_OPTIONS of the generated API Deployment, with a 2 GiB heap
//      above 20,000 versions),
//      THV_BENCH_MEMORY_CLUSTER_SIZES (10000,100000; empty: none) for the same figures in cluster mode,
//      THV_BENCH_MEMORY_SWAPS (3) replacements per size (reload: their median; swap peak: the highest),
//      THV_BENCH_MEMORY_API_LOG=1 copies every log line of the API to stderr.
// The API runs as its image runs it (tsc build, plain node, NODE_ENV=production) in `--file` mode on a file written
// by @thv/generate-registry; RSS is read from /proc/<pid>/status of that process. In cluster mode it runs with
// `--registry` against a real control plane whose storage ConfigMaps hold the snapshot (ConfigMapStorageManager,
// as the operator writes them): the reload is then "storage changed → new snapshot served", as in a cluster.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import { startControlPlane, type ControlPlane } from '@thv/control-plane'
import { buildSnapshot } from '@thv/converters'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import type { MCPRegistry, RegistrySnapshot } from '@thv/registry-model'
import { ConfigMapStorageManager } from '@thv/storage'
import autocannon from 'autocannon'
import * as E from 'fp-ts/lib/Either.js'
import { buildApi, type BuiltApi } from './api.build.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SHARED = process.env['THV_SHARED_DIR'] ?? join(ROOT, 'testdata')
const SIZES = (process.env['THV_BENCH_MEMORY_SIZES'] ?? '10000,100000').split(',').filter((x) => x !== '').map(Number)
const CLUSTER_SIZES = (process.env['THV_BENCH_MEMORY_CLUSTER_SIZES'] ?? '10000,100000').split(',').filter((x) => x !== '').map(Number)
const NAMESPACE = 'bench-api-memory'
const SECONDS = Number(process.env['THV_BENCH_MEMORY_SECONDS'] ?? 5)
/**
 * As the operator's generated API Deployment sets it (apps/operator/src/api/api-objects.ts); above 20,000 versions
 * with the larger heap and young generation the README's "Large registries" recommends for faster swaps at that size.
 */
function nodeOptionsFor(servers: number): string {
  return process.env['THV_BENCH_MEMORY_NODE_OPTIONS'] ??
    (servers > 20_000 ? '--max-old-space-size=2048 --max-semi-space-size=16' : '--max-old-space-size=384 --max-semi-space-size=4')
}
/** glibc's mmap threshold, as the generated API Deployment and the image set it (ADR 0015). */
const MALLOC_MMAP_THRESHOLD = process.env['THV_BENCH_MEMORY_MALLOC_MMAP_THRESHOLD'] ?? '16384'
const MiB = 1024 * 1024
const SAMPLE_MS = 20
/** Swaps measured per size (THV_BENCH_MEMORY_SWAPS): the reload figure is their median. */
const SWAPS = Number(process.env['THV_BENCH_MEMORY_SWAPS'] ?? 3)

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] as number
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 }
}

/** Samples RSS every SAMPLE_MS until stopped; returns the highest sample. */
function sampleRss(pid: number): { stop: () => number } {
  let peak = memoryOf(pid).rss
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryOf(pid).rss)
  }, SAMPLE_MS)
  return { stop: () => (clearInterval(timer), Math.max(peak, memoryOf(pid).rss)) }
}

function get(port: number, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolvePromise, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
    }).on('error', reject).end()
  })
}

/** The hash `info` reports; undefined while nothing is served. Polled every SAMPLE_MS during a swap. */
async function hashOf(port: number): Promise<string | undefined> {
  const res = await get(port, '/api/v1/registry/info')
  return res.status === 200 ? (JSON.parse(res.body.toString('utf8')) as { hash: string }).hash : undefined
}

interface RunningApi { child: ChildProcess; port: number; lines: Record<string, unknown>[] }

function startApi(built: BuiltApi, source: readonly string[], NODE_OPTIONS: string): Promise<RunningApi> {
  const child = spawn(process.execPath, [built.main, ...source, '--port', '0', '--host', '127.0.0.1'], {
    cwd: built.cwd, env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS, MALLOC_MMAP_THRESHOLD_: MALLOC_MMAP_THRESHOLD, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines: Record<string, unknown>[] = []
  child.on('exit', (code, signal) => process.stderr.write(`API process exited ${code ?? signal}\n`))
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('API not ready within 10 minutes')), 600_000)
    child.once('exit', (code, signal) => reject(new Error(`API exited ${code ?? signal}`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      if (!text.startsWith('{')) {
        process.stderr.write(`api: ${text}\n`)
        return
      }
      const line = JSON.parse(text) as Record<string, unknown>
      lines.push(line)
      if (process.env['THV_BENCH_MEMORY_API_LOG'] === '1') process.stderr.write(`api: ${text.slice(0, 2000)}\n`)
      if (line['level'] === 'error' || line['level'] === 'warn') process.stderr.write(`api: ${text.slice(0, 2000)}\n`)
      if (line['message'] === 'Compressed snapshot documents') {
        clearTimeout(timer)
        resolvePromise({ child, port: lines.find((l) => l['message'] === 'Listening')?.['port'] as number, lines })
      }
    })
  })
}

/**
 * RSS once the process is idle. V8 collects the garbage of a large transient (a load) and returns its pages only
 * once its memory reducer runs, some seconds into idleness, so this waits at least 60 s, then samples every second
 * until five samples in a row lie within 2 MiB (at most 150 s in all), and returns the median of those five.
 */
async function settledRss(pid: number): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 1000))
    xs.push(memoryOf(pid).rss)
    const last = xs.slice(-5)
    if (i >= 60 && Math.max(...last) - Math.min(...last) <= 2) break
  }
  const last = xs.slice(-5).sort((a, b) => a - b)
  return last[Math.floor(last.length / 2)] as number
}

const round1 = (x: number): number => Math.round(x * 10) / 10

/** The V8 heap (committed, used) and external (Buffer) memory the API reports on /metrics, in MiB. */
async function v8Figures(port: number): Promise<Record<string, number>> {
  const text = (await get(port, '/metrics')).body.toString('utf8')
  const metric = (name: string): number => round1(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / MiB)
  return { heapTotalMiB: metric('nodejs_heap_size_total_bytes'), heapUsedMiB: metric('nodejs_heap_size_used_bytes'), externalMiB: metric('nodejs_external_memory_bytes') }
}

/** Where the measured API reads its registry from, and how the bench replaces that registry by the next one. */
interface ServedSource {
  readonly args: readonly string[]
  /**
   * Prepares replacement number `round` (1, 2, …; each differs from the one served before it) without touching what
   * is served, and returns the step that puts it in place: it resolves once the replacement is written.
   */
  prepare(round: number): Promise<() => Promise<void> | void> | (() => Promise<void> | void)
  close(): Promise<void> | void
}

/** `--file` mode: the file is replaced by rename, as a ConfigMap mount flips. */
function fileSource(work: string, template: ToolHiveRegistryDocument, servers: number): ServedSource {
  const file = join(work, `registry-${servers}.json`)
  const next = join(work, `registry-${servers}.next.json`)
  writeFileSync(file, JSON.stringify(generateRegistry({ template, count: servers, seed: 1 })))
  return {
    args: ['--file', file],
    prepare: (round) => {
      writeFileSync(next, JSON.stringify(generateRegistry({ template, count: servers, seed: 1 + (round % 2) })))
      return () => renameSync(next, file)
    },
    close: () => {
      rmSync(file, { force: true })
      rmSync(next, { force: true })
    },
  }
}

/** A snapshot of `servers` generated servers, built as the operator builds it from a source. */
function builtSnapshot(template: ToolHiveRegistryDocument, servers: number, seed: number, name: string): RegistrySnapshot {
  const built = buildSnapshot({
    raw: JSON.stringify(generateRegistry({ template, count: servers, seed })),
    registry: { name, namespace: NAMESPACE, source: { type: 'configmap', ref: `${NAMESPACE}/registry-data#registry.json` } },
    now: new Date('2026-11-25T00:00:00Z'),
  })
  if (E.isLeft(built)) throw built.left
  return built.right
}

/**
 * Cluster mode: the snapshot is in the registry's storage ConfigMaps on a real control plane, written by
 * ConfigMapStorageManager as the operator writes it; the API watches them (`--registry`). The replacement is a store
 * of the next snapshot: the reload is "storage changed → new snapshot served".
 */
async function clusterSource(plane: ControlPlane, template: ToolHiveRegistryDocument, servers: number): Promise<ServedSource> {
  const name = `bench-${servers}`
  const kc = plane.kubeConfig()
  const registry = (await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'toolhive.stacklok.dev', version: 'v1alpha1', plural: 'mcpregistries', namespace: NAMESPACE,
    body: {
      apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name, namespace: NAMESPACE },
      spec: { source: { type: 'configmap', configmap: { name: 'registry-data' } } },
    },
  })) as MCPRegistry
  const storage = new ConfigMapStorageManager(kc.makeApiClient(CoreV1Api))
  const store = async (snapshot: RegistrySnapshot, seed: number): Promise<void> => {
    const report = await storage.store(registry, snapshot, AbortSignal.timeout(300_000))
    if (!report.written) throw new Error(`storing snapshot ${seed} of ${name} was a no-op`)
  }
  await store(builtSnapshot(template, servers, 1, name), 1)
  return {
    args: ['--registry', `${NAMESPACE}/${name}`, '--kubeconfig', plane.kubeconfigPath],
    prepare: (round) => {
      const seed = 1 + (round % 2)
      const snapshot = builtSnapshot(template, servers, seed, name)
      return () => store(snapshot, seed)
    },
    close: () => undefined,
  }
}

async function measureSize(built: BuiltApi, servers: number, source: ServedSource): Promise<Record<string, number>> {
  process.stderr.write(`${servers} servers: starting the API (${source.args.join(' ')})\n`)
  const started = Date.now()
  const api = await startApi(built, source.args, nodeOptionsFor(servers))
  try {
    const pid = api.child.pid as number
    const loadMs = Date.now() - started
    const loadPeak = memoryOf(pid).hwm
    const doc = await get(api.port, '/api/v1/registry/servers')
    if (doc.status !== 200) throw new Error(`GET /api/v1/registry/servers answered ${doc.status}`)
    const jsonBytes = doc.body.length
    // A few ordinary requests (each endpoint once) so the steady state includes what serving them keeps.
    const first = JSON.parse((await get(api.port, '/v0.1/servers?limit=100')).body.toString('utf8')) as { servers: { server: { name: string } }[] }
    const name = encodeURIComponent(first.servers[10]?.server.name ?? '')
    for (const path of ['/v0.1/servers?limit=100&search=fetch', `/v0.1/servers/${name}/versions`, `/v0.1/servers/${name}/versions/latest`, '/api/v1/registry/servers?format=upstream']) {
      if ((await get(api.port, path)).status !== 200) throw new Error(`GET ${path} failed`)
    }
    const rss = await settledRss(pid)
    const heap = await v8Figures(api.port)
    const result: Record<string, number> = { servers, jsonBytes, jsonMiB: round1(jsonBytes / MiB), rssMiB: round1(rss), ratio: Math.round((((rss - 64) * MiB) / jsonBytes) * 100) / 100, loadMs, loadPeakMiB: round1(loadPeak), ...heap }

    // List p99 at 32 connections, limit=100 (the memo answers repeated pages; the first page is what clients crawl from).
    const load = await autocannon({ url: `http://127.0.0.1:${api.port}/v0.1/servers?limit=100`, connections: 32, duration: SECONDS })
    result['listP99Ms'] = load.latency.p99
    result['listRps'] = Math.round(load.requests.average)

    // Swaps: replace the registry SWAPS times (each replacement prepared first, so that preparing it is not measured),
    // sampling RSS until the new hash is served. In cluster mode the clock starts once the store has written, as an
    // operator's store completes. reloadMs is the median, swapPeakMiB the highest peak.
    const reloads: number[] = []
    const peaks: number[] = []
    let failedPolls = 0
    const failures: string[] = []
    for (let round = 1; round <= SWAPS; round++) {
      const put = await source.prepare(round)
      const oldHash = await hashOf(api.port)
      const sampler = sampleRss(pid)
      await put()
      const swapStarted = Date.now()
      for (;;) {
        const hash = await hashOf(api.port).catch((err: unknown) => {
          failedPolls++
          const code = (err as { code?: unknown }).code
          failures.push(`${typeof code === 'string' ? code : err instanceof Error ? err.message : String(err)} after ${Date.now() - swapStarted} ms`)
          return undefined
        })
        if (hash !== undefined && hash !== oldHash) break
        if (Date.now() - swapStarted > 600_000) throw new Error('new snapshot not served within 10 minutes')
        await new Promise((r) => setTimeout(r, SAMPLE_MS))
      }
      reloads.push(Date.now() - swapStarted)
      // The peak includes the swap's own settling (documents compressed, heap collected).
      await new Promise((r) => setTimeout(r, 5000))
      peaks.push(round1(sampler.stop()))
    }
    result['reloadMs'] = median(reloads)
    result['swapFailedPolls'] = failedPolls
    // Why polls failed (error codes), on stderr: a request that fails during a swap is a defect to explain.
    if (failures.length > 0) process.stderr.write(`${servers} servers: failed polls during swaps: ${failures.join(', ')}\n`)
    result['swapPeakMiB'] = Math.max(...peaks)
    result['rssAfterSwapMiB'] = round1(await settledRss(pid))
    process.stderr.write(`${servers} servers: reloads ${reloads.join(', ')} ms, swap peaks ${peaks.join(', ')} MiB\n`)
    return result
  } finally {
    api.child.kill('SIGTERM')
    await source.close()
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'thv-bench-api-memory-'))
  try {
    const template = JSON.parse(readFileSync(join(SHARED, 'fixtures', 'toolhive-registry.json'), 'utf8')) as ToolHiveRegistryDocument
    mkdirSync(join(work, 'api'))
    const built = buildApi(ROOT, join(work, 'api'))
    const bySize: Record<string, Record<string, number>> = {}
    for (const servers of SIZES) {
      const source = fileSource(work, template, servers)
      bySize[String(servers)] = await measureSize(built, servers, source)
      process.stderr.write(`${JSON.stringify(bySize[String(servers)])}\n`)
    }
    const clusterBySize: Record<string, Record<string, number>> = {}
    if (CLUSTER_SIZES.length > 0) {
      const plane = await startControlPlane({ withControllers: false })
      try {
        await plane.installCrds(join(ROOT, 'config/crd/bases'))
        await plane.kubeConfig().makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } })
        for (const servers of CLUSTER_SIZES) {
          clusterBySize[String(servers)] = await measureSize(built, servers, await clusterSource(plane, template, servers))
          process.stderr.write(`cluster: ${JSON.stringify(clusterBySize[String(servers)])}\n`)
        }
      } finally {
        await plane.stop()
      }
    }
    const at = (n: number, key: string): number | null => bySize[String(n)]?.[key] ?? null
    const inCluster = (n: number, key: string): number | null => clusterBySize[String(n)]?.[key] ?? null
    // The targets hold for the API however it runs: the highest figure of the two modes.
    const ratios = [...SIZES.map((n) => at(n, 'ratio')), ...CLUSTER_SIZES.map((n) => inCluster(n, 'ratio'))].filter((x): x is number => x !== null)
    const swapPeaks = [at(100_000, 'swapPeakMiB'), inCluster(100_000, 'swapPeakMiB')].filter((x): x is number => x !== null)
    const summary = {
      api: {
        rssMiB10k: at(10_000, 'rssMiB'),
        rssMiB100k: at(100_000, 'rssMiB'),
        rssRatio: ratios.length === 0 ? null : Math.max(...ratios),
        swapPeakMiB100k: swapPeaks.length === 0 ? null : Math.max(...swapPeaks),
        // Per mode: cluster mode (what the operator deploys) reads a stored snapshot; --file also builds it from the file.
        swapPeakMiB100kCluster: inCluster(100_000, 'swapPeakMiB'),
        swapPeakMiB100kFile: at(100_000, 'swapPeakMiB'),
        // "Storage changed → new snapshot served" is what a cluster does; --file mode also builds the snapshot.
        reloadMs100k: inCluster(100_000, 'reloadMs') ?? at(100_000, 'reloadMs'),
        p99Ms100k: at(100_000, 'listP99Ms'),
        memory: {
          nodeOptions: Object.fromEntries([...new Set([...SIZES, ...CLUSTER_SIZES])].map((n) => [n, nodeOptionsFor(n)])),
          mallocMmapThreshold: Number(MALLOC_MMAP_THRESHOLD), bySize, clusterBySize,
        },
      },
    }
    const json = JSON.stringify(summary)
    const out = process.env['THV_BENCH_RESULT_FILE']
    if (out !== undefined && out !== '') writeFileSync(out, json)
    process.stdout.write(`${json}\n`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`api-memory bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
