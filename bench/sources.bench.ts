/**
 * Remote sources benchmark (issue 14). Everything on 127.0.0.1:
 * - `mirrorFirstSyncMs`: ApiMirrorSourceHandler mirroring our registry API process serving 10,000 servers (100 pages
 *   of 100, then detect, decode, convert, hash), wall time, median of fresh handlers. Target <= 30 s.
 * - `mirrorIncrementalMs`: the same handler after 10 changes upstream (one deleted, one deprecated, eight edited):
 *   one `updated_since` page, applied, rebuilt. Target <= 2 s.
 * - `unchangedCheckMs`: CPU time (user + system of this process) of one check of an unchanged source, the highest of
 *   url (HTTPS, 304 for the 10,000-server file), git (ls-refs of an unchanged branch against git http-backend behind
 *   the test CGI bridge) and api (one empty `updated_since` page); the CA comes from a ConfigMap on a real control
 *   plane (read per check, as in the operator). The servers of url and git run in this process, so their CPU is
 *   included: an upper bound. Target <= 50 ms.
 * - `gitLargeRepoPeakMiB`: how far the peak RSS of a process syncing one git source rises above its RSS before the
 *   sync, for a branch whose commit also holds a 50 MB unrelated file (`gitSmallRepoPeakMiB`: the same branch
 *   without it). Measured in a child process (`git-memory.child.ts`) so the in-process git server does not count.
 * Run alone: node --conditions=@thv/source --import tsx bench/sources.bench.ts
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CoreV1Api } from '@kubernetes/client-node'
import { startControlPlane } from '@thv/control-plane'
import { OfficialMetaKey, type SingleSourceRegistry, type ServerResponse } from '@thv/registry-model'
import { ApiMirrorSourceHandler, EgressPolicy, GitSourceHandler, UrlSourceHandler, type SourceHandler, type SyncResult, type UnchangedSyncResult } from '@thv/sources'
import { makeTestTls, startGitServer, startHttpsServer, testResolver } from '@thv/testkit'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const NODE_ARGS = ['--conditions=@thv/source', '--import', 'tsx']
const ROUNDS = Number(process.env['THV_BENCH_SOURCES_ROUNDS'] ?? 3)
const CHECKS = 20

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}
const registry = (name: string, source: unknown): SingleSourceRegistry =>
  ({ apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name, namespace: 'bench' }, spec: { source } }) as SingleSourceRegistry
const full = (r: SyncResult | UnchangedSyncResult): SyncResult => {
  if (r.unchanged === true) throw new Error('expected a full sync')
  return r
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** CPU ms per unchanged check, after one full sync. */
async function unchangedCpuMs(handler: SourceHandler, reg: SingleSourceRegistry): Promise<number> {
  const first = full(await handler.sync(reg, AbortSignal.timeout(120_000)))
  const samples: number[] = []
  for (let i = 0; i < CHECKS; i++) {
    const before = process.cpuUsage()
    const r = await handler.sync(reg, AbortSignal.timeout(30_000), { previousHash: first.hash })
    const used = process.cpuUsage(before)
    if (r.unchanged !== true) throw new Error('expected an unchanged check')
    samples.push((used.user + used.system) / 1000)
  }
  return Math.round(median(samples) * 10) / 10
}

interface GitMemory {
  readonly peakMiB: number
  readonly ms: number
}

/** Runs `git-memory.child.ts` for `branch` and reads its peak RSS growth. */
function gitMemoryOf(kubeconfig: string, url: string, branch: string): Promise<GitMemory> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, '--expose-gc', join(ROOT, 'bench/git-memory.child.ts')], {
      cwd: ROOT, env: { ...process.env, KUBECONFIG: kubeconfig, GIT_URL: url, GIT_BRANCH: branch }, stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8') })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`git-memory.child.ts exited with ${code}`))
      const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { peakGrowthBytes: number; ms: number }
      resolvePromise({ peakMiB: Math.round((r.peakGrowthBytes / 1024 / 1024) * 10) / 10, ms: r.ms })
    })
  })
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'thv-bench-sources-'))
  const file = join(dir, 'registry.json')
  execFileSync(process.execPath, [...NODE_ARGS, join(ROOT, 'tools/generate-registry/src/cli.ts'),
    '--template', join(ROOT, 'testdata/fixtures/toolhive-registry.json'), '--count', '10000', '--seed', '11', '--out', file], { cwd: ROOT })
  const port = await new Promise<number>((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port
      s.close(() => r(p))
    })
  })
  const api = spawn(process.execPath, [...NODE_ARGS, join(ROOT, 'apps/registry-api/src/main.ts'), '--file', file, '--port', String(port), '--reload-debounce-ms', '50'], { cwd: ROOT, stdio: 'ignore' })
  const base = `http://127.0.0.1:${port}/`
  // A real control plane holds the ConfigMap with the test CA (caCertRef), as in a cluster.
  const plane = await startControlPlane({ withControllers: false })
  const core = plane.kubeConfig().makeApiClient(CoreV1Api)
  await core.createNamespace({ body: { metadata: { name: 'bench' } } })
  const policy = new EgressPolicy({ allowLoopback: true, allowInsecure: true, resolve: testResolver() })
  try {
    await waitFor(async () => (await fetch(`${base}readiness`)).status === 200, 60_000)
    const mirrorReg = registry('mirror', { type: 'api', api: { endpoint: base, timeout: '5m' } })

    const firstMs: number[] = []
    let handler = new ApiMirrorSourceHandler(core, { policy })
    let last: SyncResult | undefined
    for (let i = 0; i < ROUNDS; i++) {
      handler = new ApiMirrorSourceHandler(core, { policy })
      const t0 = performance.now()
      last = full(await handler.sync(mirrorReg, AbortSignal.timeout(300_000)))
      firstMs.push(performance.now() - t0)
    }
    if (last?.serverCount !== 10_000) throw new Error(`mirrored ${last?.serverCount} servers`)
    const apiUnchanged = await unchangedCpuMs(handler, mirrorReg)

    // Ten changes upstream, then one incremental sync (repeated with new changes per round).
    const incMs: number[] = []
    const listed: ServerResponse[] = []
    for (let cursor: string | undefined, more = true; more;) {
      const page = (await (await fetch(`${base}v0.1/servers?limit=100${cursor === undefined ? '' : `&cursor=${cursor}`}`)).json()) as { servers: ServerResponse[]; metadata: { nextCursor?: string } }
      listed.push(...page.servers)
      cursor = page.metadata.nextCursor
      more = cursor !== undefined
    }
    for (let round = 0; round < ROUNDS; round++) {
      const at = `2026-12-0${round + 5}T00:00:00Z`
      const next = listed.map((s, i) => {
        if (i % 97 !== round || i >= 97 * 10) return s
        const meta = s._meta[OfficialMetaKey] as Record<string, unknown>
        const status = i === round ? 'deleted' : i === 97 + round ? 'deprecated' : meta['status']
        return { server: { ...s.server, description: `edited ${round}` }, _meta: { ...s._meta, [OfficialMetaKey]: { ...meta, updatedAt: at, status } } }
      })
      listed.splice(0, listed.length, ...(next as ServerResponse[]))
      writeFileSync(join(dir, 'next.json'), JSON.stringify({ servers: next, metadata: { count: next.length } }))
      renameSync(join(dir, 'next.json'), file)
      await waitFor(async () => ((await (await fetch(`${base}v0.1/servers?updated_since=2026-12-01T00:00:00Z&limit=100`)).json()) as { servers: Array<{ server: { description?: string } }> })
        .servers.some((x) => x.server.description === `edited ${round}`), 30_000)
      const t0 = performance.now()
      const r = full(await handler.sync(mirrorReg, AbortSignal.timeout(60_000), { previousHash: last?.hash }))
      incMs.push(performance.now() - t0)
      last = r
    }

    // url: HTTPS server with ETag over the same 10,000-server file; the test CA from a ConfigMap.
    const tls = makeTestTls()
    await core.createNamespacedConfigMap({ namespace: 'bench', body: { metadata: { name: 'ca' }, data: { 'ca.crt': tls.caPem } } })
    const caCertRef = { name: 'ca', key: 'ca.crt' }
    const body = readFileSync(file)
    const https = await startHttpsServer(tls, (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { etag: '"v1"' }).end()
      res.writeHead(200, { etag: '"v1"' }).end(body)
    })
    const tlsPolicy = new EgressPolicy({ allowLoopback: true, resolve: testResolver() })
    let urlUnchanged: number
    try {
      urlUnchanged = await unchangedCpuMs(new UrlSourceHandler(core, { policy: tlsPolicy }), registry('url', { type: 'url', url: { endpoint: `${https.origin}/registry.json`, caCertRef } }))
    } finally {
      await https.close()
    }

    // git: an unchanged branch against git http-backend (the bridge runs in this process).
    const git = await startGitServer(tls, { name: 'bot', password: 'pw' })
    let gitUnchanged: number
    let gitMemory: { small: GitMemory; large: GitMemory }
    try {
      await core.createNamespacedSecret({ namespace: 'bench', body: { metadata: { name: 'git' }, stringData: { password: 'pw' } } })
      const registryJson = readFileSync(join(ROOT, 'testdata/fixtures/toolhive-registry.json'))
      git.commit({ 'registry.json': registryJson }, 'data')
      gitUnchanged = await unchangedCpuMs(new GitSourceHandler(core, { policy: tlsPolicy }), registry('git', { type: 'git', git: { repository: git.url, branch: 'main', caCertRef, auth: { username: 'bot', passwordSecretRef: { name: 'git', key: 'password' } } } }))
      git.commit({ 'registry.json': registryJson }, 'warm-up', { branch: 'warm' })
      git.commit({ 'registry.json': registryJson }, 'small', { branch: 'small' })
      git.commit({ 'assets/blob.bin': randomBytes(50 * 1024 * 1024) }, 'large unrelated file', { branch: 'large' })
      writeFileSync(join(dir, 'kubeconfig'), plane.kubeConfig().exportConfig())
      const measure = (branch: string) => gitMemoryOf(join(dir, 'kubeconfig'), git.url, branch)
      gitMemory = { small: await measure('small'), large: await measure('large') }
    } finally {
      await git.close()
    }

    const result = {
      unchangedCheckMs: Math.max(urlUnchanged, gitUnchanged, apiUnchanged),
      unchangedCheckMsByKind: { url: urlUnchanged, git: gitUnchanged, api: apiUnchanged },
      mirrorFirstSyncMs: Math.round(median(firstMs)),
      mirrorIncrementalMs: Math.round(median(incMs)),
      mirrorServers: 10_000,
      gitLargeRepoPeakMiB: gitMemory.large.peakMiB,
      gitSmallRepoPeakMiB: gitMemory.small.peakMiB,
      gitLargeRepoSyncMs: gitMemory.large.ms,
      rounds: ROUNDS,
      targets: { unchangedCheckMs: 50, mirrorFirstSyncMs: 30_000, mirrorIncrementalMs: 2_000 },
      machine: { cpus: cpus().length, loadavg1: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
    }
    const out = JSON.stringify({ sources: result })
    if (process.env['THV_BENCH_RESULT_FILE'] !== undefined) writeFileSync(process.env['THV_BENCH_RESULT_FILE'], out)
    console.log(out)
  } finally {
    api.kill('SIGTERM')
    await plane.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
