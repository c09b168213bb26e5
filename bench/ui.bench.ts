// ui.listP99Ms: p99 latency of the HTML catalogue's list page (`GET /` with `Accept: text/html`) of a
// 10,000-server registry at 32 connections, next to the JSON list's p99 (`/v0.1/servers?limit=100`) measured in
// the same run, alternating, against the same API process (built as its image runs it; THV_BENCH_API_FROM=source
// for tsx). Target: ui.listP99Ms within 2 x ui.jsonListP99Ms (ui.ratioToJsonList <= 2).
// Run: node --conditions=@thv/source --import tsx bench/ui.bench.ts
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import autocannon from 'autocannon'
import { buildApi } from './api.build.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SERVERS = 10_000
const CONNECTIONS = 32
const ROUNDS = Number(process.env['THV_BENCH_ROUNDS'] ?? 3)
const SECONDS = Number(process.env['THV_BENCH_SECONDS'] ?? 5)
const FROM = process.env['THV_BENCH_API_FROM'] === 'source' ? 'source' : 'build'

interface Target { readonly key: 'html' | 'htmlSearch' | 'json'; readonly path: string; readonly accept: string }
const TARGETS: readonly Target[] = [
  { key: 'html', path: '/', accept: 'text/html' },
  { key: 'htmlSearch', path: '/?q=database&kind=container&page=2', accept: 'text/html' },
  { key: 'json', path: '/v0.1/servers?limit=100', accept: 'application/json' },
]

async function startApi(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] })
  let port = 0
  await new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('API not ready within 600 s')), 600_000)
    child.once('exit', (code) => reject(new Error(`API exited ${code}`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      if (!text.startsWith('{')) return
      const line = JSON.parse(text) as { message?: string; port?: number }
      if (line.message === 'Listening' && typeof line.port === 'number') port = line.port
      if (line.message === 'Compressed snapshot documents') {
        clearTimeout(timer)
        resolvePromise()
      }
    })
  })
  return { child, port }
}

async function p99(port: number, target: Target, seconds: number): Promise<{ p99: number; rps: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${target.path}`, connections: CONNECTIONS, duration: seconds, headers: { accept: target.accept },
  })
  if (result.errors + result.non2xx > 0) throw new Error(`${target.path}: ${result.errors} errors, ${result.non2xx} non-2xx answers`)
  return { p99: result.latency.p99, rps: result.requests.average }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'thv-bench-ui-'))
  let child: ChildProcess | undefined
  try {
    const template = JSON.parse(readFileSync(join(ROOT, 'testdata/fixtures/toolhive-registry.json'), 'utf8')) as ToolHiveRegistryDocument
    const file = join(work, 'registry.json')
    writeFileSync(file, JSON.stringify(generateRegistry({ template, count: SERVERS, seed: 1 })))
    const common = ['--file', file, '--port', '0', '--host', '127.0.0.1']
    let api: { child: ChildProcess; port: number }
    if (FROM === 'build') {
      mkdirSync(join(work, 'api'))
      const built = buildApi(ROOT, join(work, 'api'))
      api = await startApi([built.main, ...common, '--log-level', 'info'], built.cwd, { ...process.env, NODE_ENV: 'production' })
    } else {
      api = await startApi(['--conditions=@thv/source', '--import', 'tsx', 'apps/registry-api/src/main.ts', ...common, '--log-level', 'info'], ROOT, process.env)
    }
    child = api.child
    const samples = new Map<Target['key'], { p99: number; rps: number }[]>(TARGETS.map((t) => [t.key, []]))
    for (const t of TARGETS) await p99(api.port, t, 1) // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 === 0 ? TARGETS : [...TARGETS].reverse()) samples.get(t.key)?.push(await p99(api.port, t, SECONDS))
    }
    const med = (key: Target['key'], field: 'p99' | 'rps'): number => median((samples.get(key) ?? []).map((s) => s[field]))
    const result = {
      listP99Ms: med('html', 'p99'),
      searchP99Ms: med('htmlSearch', 'p99'),
      jsonListP99Ms: med('json', 'p99'),
      ratioToJsonList: Math.round((med('html', 'p99') / med('json', 'p99')) * 100) / 100,
      listRps: Math.round(med('html', 'rps')),
      jsonListRps: Math.round(med('json', 'rps')),
      connections: CONNECTIONS, servers: SERVERS, rounds: ROUNDS, secondsPerRound: SECONDS, apiFrom: FROM,
    }
    const out = JSON.stringify(result)
    if (process.env['THV_BENCH_RESULT_FILE'] !== undefined) writeFileSync(process.env['THV_BENCH_RESULT_FILE'], out)
    process.stdout.write(`${out}\n`)
  } finally {
    child?.kill('SIGTERM')
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
