// API throughput against a bare node:http baseline serving the same bytes, for a 10,000-server registry (DESIGN §13).
// Run: node --conditions=@thv/source --import tsx bench/api.bench.ts
// Env: THV_BENCH_API_SERVERS (10000), THV_BENCH_API_SECONDS per measurement (5), THV_BENCH_API_ROUNDS (3).
// Both servers run as child processes on 127.0.0.1 and autocannon drives them from this process, one at a time.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import autocannon from 'autocannon'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SHARED = process.env['THV_SHARED_DIR'] ?? join(ROOT, 'testdata')
const SERVERS = Number(process.env['THV_BENCH_API_SERVERS'] ?? 10_000)
const SECONDS = Number(process.env['THV_BENCH_API_SECONDS'] ?? 5)
const ROUNDS = Number(process.env['THV_BENCH_API_ROUNDS'] ?? 3)

interface Endpoint { key: string; path: string; acceptEncoding: string; connections: number }
interface Sample { rps: number; p50: number; p99: number; bytesPerSec: number; errors: number }

function startChild(args: string[], ready: (line: Record<string, unknown>) => boolean, timeoutMs: number): Promise<{ child: ChildProcess; lines: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, ['--conditions=@thv/source', '--import', 'tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const lines: Record<string, unknown>[] = []
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} not ready within ${timeoutMs} ms`)), timeoutMs)
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      if (!text.startsWith('{')) return
      const line = JSON.parse(text) as Record<string, unknown>
      lines.push(line)
      if (ready(line)) {
        clearTimeout(timer)
        resolvePromise({ child, lines })
      }
    })
  })
}

function rawGet(port: number, path: string, acceptEncoding: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolvePromise, reject) => {
    const headers = acceptEncoding === '' ? {} : { 'accept-encoding': acceptEncoding }
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const keep: Record<string, string> = {}
        for (const name of ['content-type', 'content-encoding', 'etag', 'vary']) {
          const v = res.headers[name]
          if (typeof v === 'string') keep[name] = v
        }
        resolvePromise({ status: res.statusCode ?? 0, headers: keep, body: Buffer.concat(chunks) })
      })
    }).on('error', reject).end()
  })
}

async function measure(port: number, endpoint: Endpoint, seconds: number): Promise<Sample> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${endpoint.path}`,
    connections: endpoint.connections,
    duration: seconds,
    headers: endpoint.acceptEncoding === '' ? {} : { 'accept-encoding': endpoint.acceptEncoding },
  })
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bytesPerSec: result.throughput.average, errors: result.errors + result.non2xx }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'thv-bench-api-'))
  const children: ChildProcess[] = []
  try {
    const template = JSON.parse(readFileSync(join(SHARED, 'fixtures', 'toolhive-registry.json'), 'utf8')) as ToolHiveRegistryDocument
    const registryFile = join(work, 'registry.json')
    writeFileSync(registryFile, JSON.stringify(generateRegistry({ template, count: SERVERS, seed: 1 })))
    process.stderr.write(`Generated ${SERVERS} servers; starting the API (snapshot build takes a while)\n`)

    const started = Date.now()
    const api = await startChild(['apps/registry-api/src/main.ts', '--file', registryFile, '--port', '0', '--host', '127.0.0.1'],
      (l) => l['message'] === 'Compressed snapshot documents', 600_000) // measure once background compression is done
    children.push(api.child)
    const apiPort = api.lines.find((l) => l['message'] === 'Listening')?.['port'] as number
    const loadMs = Date.now() - started

    const list = JSON.parse((await rawGet(apiPort, '/v0.1/servers?limit=100', '')).body.toString('utf8')) as { servers: { server: { name: string } }[] }
    const name = list.servers[50]?.server.name as string
    const endpoints: Endpoint[] = [
      { key: 'list', path: '/v0.1/servers?limit=100', acceptEncoding: '', connections: 32 },
      { key: 'listGzip', path: '/v0.1/servers?limit=100', acceptEncoding: 'gzip', connections: 32 },
      { key: 'latest', path: `/v0.1/servers/${encodeURIComponent(name)}/versions/latest`, acceptEncoding: '', connections: 32 },
      { key: 'toolhiveDocument', path: '/api/v1/registry/servers', acceptEncoding: '', connections: 4 },
    ]

    const manifest = []
    for (const e of endpoints) {
      const res = await rawGet(apiPort, e.path, e.acceptEncoding)
      if (res.status !== 200) throw new Error(`GET ${e.path} answered ${res.status}`)
      const file = join(work, `${e.key}.body`)
      writeFileSync(file, res.body)
      manifest.push({ path: e.path, acceptEncoding: e.acceptEncoding, headers: res.headers, file, bytes: res.body.length })
    }
    const manifestFile = join(work, 'manifest.json')
    writeFileSync(manifestFile, JSON.stringify(manifest))
    const bare = await startChild(['bench/api.bare-server.ts', manifestFile], (l) => typeof l['port'] === 'number', 60_000)
    children.push(bare.child)
    const barePort = bare.lines[0]?.['port'] as number

    for (const e of endpoints) {
      await measure(barePort, e, 1)
      await measure(apiPort, e, 1)
    }
    const samples = new Map<string, { api: Sample[]; bare: Sample[] }>(endpoints.map((e) => [e.key, { api: [], bare: [] }]))
    for (let round = 0; round < ROUNDS; round++) {
      for (const e of endpoints) {
        const slot = samples.get(e.key) as { api: Sample[]; bare: Sample[] }
        const order: Array<'api' | 'bare'> = round % 2 === 0 ? ['bare', 'api'] : ['api', 'bare']
        for (const who of order) slot[who].push(await measure(who === 'api' ? apiPort : barePort, e, SECONDS))
      }
    }

    const results: Record<string, Record<string, number>> = {}
    const rows: string[] = []
    rows.push(`${'endpoint'.padEnd(18)} ${'bytes'.padStart(10)} ${'api req/s'.padStart(10)} ${'bare req/s'.padStart(10)} ${'ratio'.padStart(6)} ${'api p50'.padStart(8)} ${'api p99'.padStart(8)} ${'bare p50'.padStart(8)} ${'bare p99'.padStart(8)} errors`)
    for (const e of endpoints) {
      const slot = samples.get(e.key) as { api: Sample[]; bare: Sample[] }
      const apiRps = median(slot.api.map((s) => s.rps))
      const bareRps = median(slot.bare.map((s) => s.rps))
      const r = {
        bytes: manifest.find((m) => m.path === e.path && m.acceptEncoding === e.acceptEncoding)?.bytes ?? 0,
        apiRps, bareRps, ratio: bareRps === 0 ? 0 : apiRps / bareRps,
        apiP50Ms: median(slot.api.map((s) => s.p50)), apiP99Ms: median(slot.api.map((s) => s.p99)),
        bareP50Ms: median(slot.bare.map((s) => s.p50)), bareP99Ms: median(slot.bare.map((s) => s.p99)),
        errors: [...slot.api, ...slot.bare].reduce((n, s) => n + s.errors, 0),
        connections: e.connections,
      }
      results[e.key] = r
      rows.push(`${e.key.padEnd(18)} ${String(r.bytes).padStart(10)} ${r.apiRps.toFixed(0).padStart(10)} ${r.bareRps.toFixed(0).padStart(10)} ${r.ratio.toFixed(2).padStart(6)} ${r.apiP50Ms.toFixed(1).padStart(8)} ${r.apiP99Ms.toFixed(1).padStart(8)} ${r.bareP50Ms.toFixed(1).padStart(8)} ${r.bareP99Ms.toFixed(1).padStart(8)} ${r.errors}`)
    }
    const ratios = Object.values(results).map((r) => r['ratio'] as number)
    const summary = {
      ratioToBareNode: Math.min(...ratios),
      p99Ms: results['list']?.['apiP99Ms'] ?? null,
      servers: SERVERS, secondsPerMeasurement: SECONDS, rounds: ROUNDS, snapshotLoadMs: loadMs, cpus: cpus().length,
      endpoints: results,
    }
    process.stdout.write(`\nAPI vs bare node:http, ${SERVERS} servers, ${ROUNDS} rounds x ${SECONDS}s (medians; latency in ms)\n${rows.join('\n')}\n`)
    process.stdout.write(`lowest ratio ${summary.ratioToBareNode.toFixed(2)} (target >= 0.8)\n`)
    const json = JSON.stringify(summary)
    const out = process.env['THV_BENCH_RESULT_FILE']
    if (out !== undefined && out !== '') writeFileSync(out, json)
    process.stdout.write(`${json}\n`)
  } finally {
    for (const child of children) child.kill('SIGTERM')
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`api bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
