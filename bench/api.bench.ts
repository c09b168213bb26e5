// API throughput against a bare node:http baseline serving the same bytes, for a 10,000-server registry,
// and 1 vs 2 API processes behind a round-robin proxy (issue 9: horizontal scaling), and the list with a valid bearer
// token against an API with auth on vs the anonymous API (issue 16: `authRatio`, a real OpenID provider issues the token).
// Run: node --conditions=@thv/source --import tsx bench/api.bench.ts
// Env: THV_BENCH_API_SERVERS (10000), THV_BENCH_API_SECONDS per measurement (5), THV_BENCH_API_ROUNDS (3),
//      THV_BENCH_API_FROM (`build`, default: the API compiled with tsc and run with plain node as its image does;
//      `source`: the TypeScript sources through tsx, quicker to start while iterating).
// Every server is a child process on 127.0.0.1; autocannon drives them from this process, one at a time.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import { makeTestTls, ReadScope, startTestIdp, type TestIdp } from '@thv/testkit'
import autocannon from 'autocannon'
import { buildApi } from './api.build.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SHARED = process.env['THV_SHARED_DIR'] ?? join(ROOT, 'testdata')
const SERVERS = Number(process.env['THV_BENCH_API_SERVERS'] ?? 10_000)
const SECONDS = Number(process.env['THV_BENCH_API_SECONDS'] ?? 5)
const ROUNDS = Number(process.env['THV_BENCH_API_ROUNDS'] ?? 3)
const FROM = process.env['THV_BENCH_API_FROM'] === 'source' ? 'source' : 'build'
/** Endpoints measured through the round-robin proxy with 1 and with 2 API processes. */
const SCALING_KEYS = ['list', 'latest'] as const

interface Endpoint { key: string; path: string; acceptEncoding: string; connections: number; headers?: Record<string, string> }
interface Sample { rps: number; p50: number; p99: number; bytesPerSec: number; errors: number }
interface Command { args: string[]; cwd: string; env?: NodeJS.ProcessEnv }

const TSX = ['--conditions=@thv/source', '--import', 'tsx']

function startChild(command: Command, ready: (line: Record<string, unknown>) => boolean, timeoutMs: number): Promise<{ child: ChildProcess; lines: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, command.args, { cwd: command.cwd, env: command.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] })
  const name = command.args.find((a) => a.endsWith('.ts') || a.endsWith('.js')) ?? 'child'
  const lines: Record<string, unknown>[] = []
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready within ${timeoutMs} ms`)), timeoutMs)
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}`)))
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
        // Every header the API sends except those node adds itself (Date, Connection, Keep-Alive, Content-Length).
        const keep: Record<string, string> = {}
        for (const name of ['content-type', 'content-encoding', 'etag', 'vary', 'cache-control']) {
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
    headers: { ...(endpoint.acceptEncoding === '' ? {} : { 'accept-encoding': endpoint.acceptEncoding }), ...endpoint.headers },
  })
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bytesPerSec: result.throughput.average, errors: result.errors + result.non2xx }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** Measures every target on every endpoint, ROUNDS times, in alternating order; samples by target, then endpoint key. */
async function interleaved<T extends string>(targets: Record<T, number>, endpoints: Endpoint[]): Promise<Record<T, Map<string, Sample[]>>> {
  const names = Object.keys(targets) as T[]
  const samples = Object.fromEntries(names.map((n) => [n, new Map(endpoints.map((e) => [e.key, [] as Sample[]]))])) as Record<T, Map<string, Sample[]>>
  for (const e of endpoints) for (const n of names) await measure(targets[n], e, 1) // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const e of endpoints) {
      const order = round % 2 === 0 ? names : [...names].reverse()
      for (const n of order) samples[n].get(e.key)?.push(await measure(targets[n], e, SECONDS))
    }
  }
  return samples
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'thv-bench-api-'))
  const children: ChildProcess[] = []
  let idp: TestIdp | undefined
  try {
    const template = JSON.parse(readFileSync(join(SHARED, 'fixtures', 'toolhive-registry.json'), 'utf8')) as ToolHiveRegistryDocument
    const registryFile = join(work, 'registry.json')
    writeFileSync(registryFile, JSON.stringify(generateRegistry({ template, count: SERVERS, seed: 1 })))

    let apiCommand: (port: string, extra?: string[]) => Command
    let buildMs: number | null = null
    if (FROM === 'build') {
      process.stderr.write('Building the API with tsc, as its image does\n')
      mkdirSync(join(work, 'api'))
      const built = buildApi(ROOT, join(work, 'api'))
      buildMs = built.buildMs
      apiCommand = (port, extra = []) => ({ args: [built.main, '--file', registryFile, '--port', port, '--host', '127.0.0.1', ...extra], cwd: built.cwd, env: { ...process.env, NODE_ENV: 'production' } })
    } else {
      apiCommand = (port, extra = []) => ({ args: [...TSX, 'apps/registry-api/src/main.ts', '--file', registryFile, '--port', port, '--host', '127.0.0.1', ...extra], cwd: ROOT })
    }
    const startApi = async (extra: string[] = []): Promise<{ port: number; loadMs: number }> => {
      const started = Date.now()
      const api = await startChild(apiCommand('0', extra), (l) => l['message'] === 'Compressed snapshot documents', 600_000) // measure once background compression is done
      children.push(api.child)
      return { port: api.lines.find((l) => l['message'] === 'Listening')?.['port'] as number, loadMs: Date.now() - started }
    }
    process.stderr.write(`Generated ${SERVERS} servers; starting the API from its ${FROM} (snapshot build takes a while)\n`)
    const { port: apiPort, loadMs } = await startApi()

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
    const bare = await startChild({ args: [...TSX, 'bench/api.bare-server.ts', manifestFile], cwd: ROOT }, (l) => typeof l['port'] === 'number', 60_000)
    children.push(bare.child)
    const barePort = bare.lines[0]?.['port'] as number

    const samples = await interleaved({ api: apiPort, bare: barePort }, endpoints)
    const results: Record<string, Record<string, number>> = {}
    const rows: string[] = []
    rows.push(`${'endpoint'.padEnd(18)} ${'bytes'.padStart(10)} ${'api req/s'.padStart(10)} ${'bare req/s'.padStart(10)} ${'ratio'.padStart(6)} ${'api p50'.padStart(8)} ${'api p99'.padStart(8)} ${'bare p50'.padStart(8)} ${'bare p99'.padStart(8)} errors`)
    for (const e of endpoints) {
      const api = samples.api.get(e.key) as Sample[]
      const base = samples.bare.get(e.key) as Sample[]
      const apiRps = median(api.map((s) => s.rps))
      const bareRps = median(base.map((s) => s.rps))
      const r = {
        bytes: manifest.find((m) => m.path === e.path && m.acceptEncoding === e.acceptEncoding)?.bytes ?? 0,
        apiRps, bareRps, ratio: bareRps === 0 ? 0 : apiRps / bareRps,
        apiP50Ms: median(api.map((s) => s.p50)), apiP99Ms: median(api.map((s) => s.p99)),
        bareP50Ms: median(base.map((s) => s.p50)), bareP99Ms: median(base.map((s) => s.p99)),
        errors: [...api, ...base].reduce((n, s) => n + s.errors, 0),
        connections: e.connections,
      }
      results[e.key] = r
      rows.push(`${e.key.padEnd(18)} ${String(r.bytes).padStart(10)} ${r.apiRps.toFixed(0).padStart(10)} ${r.bareRps.toFixed(0).padStart(10)} ${r.ratio.toFixed(2).padStart(6)} ${r.apiP50Ms.toFixed(1).padStart(8)} ${r.apiP99Ms.toFixed(1).padStart(8)} ${r.bareP50Ms.toFixed(1).padStart(8)} ${r.bareP99Ms.toFixed(1).padStart(8)} ${r.errors}`)
    }
    const ratios = Object.values(results).map((r) => r['ratio'] as number)

    // Horizontal scaling: the same round-robin proxy in front of one API process, and in front of two (the first
    // and a second one), measured alternately; the proxy's own cost is in both, so the ratio isolates the second
    // process. Both API processes, the proxy and autocannon share the machine's cores.
    process.stderr.write('Starting a second API process and the round-robin proxies\n')
    const { port: api2Port } = await startApi()
    const proxyTo = async (ports: number[]): Promise<number> => {
      const proxy = await startChild({ args: [...TSX, 'bench/api.round-robin.ts', ...ports.map(String)], cwd: ROOT }, (l) => typeof l['port'] === 'number', 60_000)
      children.push(proxy.child)
      return proxy.lines[0]?.['port'] as number
    }
    const scalingEndpoints = endpoints.filter((e) => (SCALING_KEYS as readonly string[]).includes(e.key))
    const scalingSamples = await interleaved({ one: await proxyTo([apiPort]), two: await proxyTo([apiPort, api2Port]) }, scalingEndpoints)
    const scaling: Record<string, Record<string, number>> = {}
    const scalingRows: string[] = [`${'endpoint'.padEnd(18)} ${'1 API req/s'.padStart(12)} ${'2 APIs req/s'.padStart(13)} ${'2:1'.padStart(6)} ${'1 API p99'.padStart(10)} ${'2 APIs p99'.padStart(11)} errors`]
    for (const e of scalingEndpoints) {
      const one = scalingSamples.one.get(e.key) as Sample[]
      const two = scalingSamples.two.get(e.key) as Sample[]
      const oneRps = median(one.map((s) => s.rps))
      const twoRps = median(two.map((s) => s.rps))
      const r = {
        oneProcessRps: oneRps, twoProcessesRps: twoRps, ratio: oneRps === 0 ? 0 : twoRps / oneRps,
        oneProcessP99Ms: median(one.map((s) => s.p99)), twoProcessesP99Ms: median(two.map((s) => s.p99)),
        errors: [...one, ...two].reduce((n, s) => n + s.errors, 0),
      }
      scaling[e.key] = r
      scalingRows.push(`${e.key.padEnd(18)} ${oneRps.toFixed(0).padStart(12)} ${twoRps.toFixed(0).padStart(13)} ${r.ratio.toFixed(2).padStart(6)} ${r.oneProcessP99Ms.toFixed(1).padStart(10)} ${r.twoProcessesP99Ms.toFixed(1).padStart(11)} ${r.errors}`)
    }

    // Auth on: the same list with a valid bearer token (a JWT of a real OpenID provider over TLS, verified once and
    // then cached until it expires) against an API started with --auth-config, vs the anonymous API, alternately.
    process.stderr.write('Starting a test OpenID provider and an API with auth on\n')
    const tls = makeTestTls()
    const audience = 'https://bench.registry.test/'
    const caller = { id: 'bench', secret: 'bench-secret-of-at-least-thirty-two-characters', claims: { groups: ['bench'] } }
    idp = await startTestIdp(tls, [caller], 'bench')
    writeFileSync(join(work, 'ca.pem'), tls.caPem)
    writeFileSync(join(work, 'auth.json'), JSON.stringify({
      mode: 'oauth', oauth: { scopesSupported: [ReadScope], providers: [{ name: 'bench', issuerUrl: idp.issuer, audience, caCertFile: join(work, 'ca.pem') }] },
    }))
    const { port: authPort } = await startApi(['--auth-config', join(work, 'auth.json')])
    const token = await idp.token(caller, audience)
    const listWithToken: Endpoint = { key: 'list', path: '/v0.1/servers?limit=100', acceptEncoding: '', connections: 32, headers: { authorization: `Bearer ${token}` } }
    const authSamples = await interleaved({ anonymous: apiPort, auth: authPort }, [listWithToken])
    const anon = authSamples.anonymous.get('list') as Sample[]
    const authed = authSamples.auth.get('list') as Sample[]
    const auth = {
      anonymousRps: median(anon.map((s) => s.rps)), bearerRps: median(authed.map((s) => s.rps)),
      anonymousP99Ms: median(anon.map((s) => s.p99)), bearerP99Ms: median(authed.map((s) => s.p99)),
      errors: [...anon, ...authed].reduce((n, s) => n + s.errors, 0),
    }
    const authRatio = auth.anonymousRps === 0 ? 0 : auth.bearerRps / auth.anonymousRps

    const summary = {
      ratioToBareNode: Math.min(...ratios),
      authRatio,
      p99Ms: results['list']?.['apiP99Ms'] ?? null,
      scaling2to1: scaling['list']?.['ratio'] ?? null,
      servers: SERVERS, secondsPerMeasurement: SECONDS, rounds: ROUNDS, snapshotLoadMs: loadMs, cpus: cpus().length,
      apiFrom: FROM, apiBuildMs: buildMs,
      endpoints: results,
      scaling,
      auth,
    }
    process.stdout.write(`\nAPI (${FROM}) vs bare node:http, ${SERVERS} servers, ${ROUNDS} rounds x ${SECONDS}s (medians; latency in ms)\n${rows.join('\n')}\n`)
    process.stdout.write(`lowest ratio ${summary.ratioToBareNode.toFixed(2)} (target >= 0.8)\n`)
    process.stdout.write(`\nList with a bearer token (auth on) vs anonymous: ${auth.bearerRps.toFixed(0)} vs ${auth.anonymousRps.toFixed(0)} req/s, ratio ${authRatio.toFixed(2)} (target >= 0.85); p99 ${auth.bearerP99Ms.toFixed(1)} vs ${auth.anonymousP99Ms.toFixed(1)} ms; ${auth.errors} errors\n`)
    process.stdout.write(`\nRound-robin proxy in front of 1 vs 2 API processes (${cpus().length} CPUs shared by the APIs, the proxy and the load generator)\n${scalingRows.join('\n')}\n`)
    const json = JSON.stringify(summary)
    const out = process.env['THV_BENCH_RESULT_FILE']
    if (out !== undefined && out !== '') writeFileSync(out, json)
    process.stdout.write(`${json}\n`)
  } finally {
    for (const child of children) child.kill('SIGTERM')
    await idp?.close()
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`api bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
