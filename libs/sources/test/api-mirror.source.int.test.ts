import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { OfficialMetaKey, type ServerResponse } from '@thv/registry-model'
import { ApiMirrorSourceHandler, EgressPolicy, type SourceError, type SyncResult, type UnchangedSyncResult } from '../src/index.js'
import { createSourceFixture, testSignal, type SourceFixture } from './harness.js'
import { testResolver } from '@thv/testkit'
import { registryObject } from './remote-harness.js'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const NOW = new Date('2026-12-04T10:00:00Z')
const NODE_ARGS = ['--conditions=@thv/source', '--import', 'tsx']

/** The registry API process (apps/registry-api) serving a file on 127.0.0.1: the upstream of the mirror. */
class UpstreamApi {
  #child: ChildProcess | undefined
  constructor(readonly file: string, readonly port: number) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    this.#child = spawn(process.execPath, [...NODE_ARGS, join(REPO_ROOT, 'apps/registry-api/src/main.ts'), '--file', this.file, '--port', String(this.port), '--reload-debounce-ms', '50'], {
      cwd: REPO_ROOT, stdio: 'ignore',
    })
    await waitFor(async () => (await fetch(`${this.base}/readiness`)).status === 200, 60_000)
  }

  kill(): void {
    this.#child?.kill('SIGKILL')
  }

  async stop(): Promise<void> {
    const child = this.#child
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    await new Promise<void>((r) => {
      child.once('exit', () => r())
      child.kill('SIGTERM')
    })
  }
}

/** Polls `check` until it is true (errors count as false). */
async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A forwarding proxy in front of the upstream; `intercept` may answer a request itself (or kill the upstream). */
async function startProxy(upstreamPort: () => number, intercept: (url: URL, n: number) => { status: number; headers?: Record<string, string> } | 'pass' | 'reset'): Promise<{ server: Server; base: string; urls: URL[] }> {
  const urls: URL[] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy')
    urls.push(url)
    const action = intercept(url, urls.length)
    if (action === 'reset') return void req.socket.destroy()
    if (action !== 'pass') return void res.writeHead(action.status, action.headers).end('{"title":"injected"}')
    const up = httpRequest({ host: '127.0.0.1', port: upstreamPort(), path: req.url, method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers)
      upRes.pipe(res)
    })
    up.on('error', () => req.socket.destroy())
    req.pipe(up)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, urls }
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/** Every ServerResponse the upstream lists (including deleted ones when `since` is given). */
async function listAll(base: string, since?: string): Promise<ServerResponse[]> {
  const out: ServerResponse[] = []
  let cursor: string | undefined
  for (;;) {
    const url = new URL('/v0.1/servers', base)
    url.searchParams.set('limit', '100')
    if (since !== undefined) url.searchParams.set('updated_since', since)
    if (cursor !== undefined) url.searchParams.set('cursor', cursor)
    const page = (await (await fetch(url)).json()) as { servers: ServerResponse[]; metadata: { nextCursor?: string } }
    out.push(...page.servers)
    if (page.metadata.nextCursor === undefined) return out
    cursor = page.metadata.nextCursor
  }
}

const official = (s: ServerResponse) => s._meta[OfficialMetaKey] as { status: string; updatedAt: string; publishedAt: string; isLatest: boolean }

describe('ApiMirrorSourceHandler (our registry API process with 10,000 servers as the upstream)', function () {
  this.timeout(300_000)
  let f: SourceFixture
  let dir: string
  let api: UpstreamApi
  const policy = new EgressPolicy({ allowLoopback: true, allowInsecure: true, resolve: testResolver() })
  const mirror = (name: string, endpoint: string) => registryObject(f, name, { source: { type: 'api', api: { endpoint, timeout: '2m' } } } as never)
  const full = (r: SyncResult | UnchangedSyncResult): SyncResult => {
    if (r.unchanged === true) throw new Error('expected a full sync')
    return r
  }

  before(async () => {
    f = await createSourceFixture('api-mirror')
    dir = mkdtempSync(join(tmpdir(), 'thv-mirror-'))
    const file = join(dir, 'registry.json')
    execFileSync(process.execPath, [...NODE_ARGS, join(REPO_ROOT, 'tools/generate-registry/src/cli.ts'),
      '--template', join(REPO_ROOT, 'testdata/fixtures/toolhive-registry.json'), '--count', '10000', '--seed', '7', '--out', file], { cwd: REPO_ROOT })
    api = new UpstreamApi(file, await freePort())
    await api.start()
  })
  after(async () => {
    await api.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('mirrors 10,000 servers over 100 pages, then applies 10 changes incrementally (deleted, deprecated, new version)', async () => {
    const proxy = await startProxy(() => api.port, () => 'pass')
    try {
      const handler = new ApiMirrorSourceHandler(f.core, { policy })
      const reg = mirror('mirror', proxy.base)
      const first = full(await handler.sync(reg, testSignal(240_000), { now: NOW }))
      expect(first.serverCount).to.equal(10_000)
      expect(proxy.urls).to.have.length(100)
      expect(proxy.urls.every((u) => u.pathname === '/v0.1/servers' && u.searchParams.get('limit') === '100' && !u.searchParams.has('updated_since'))).to.equal(true)
      const upstream = await listAll(api.base)
      const newest = upstream.map((s) => official(s).updatedAt).sort().at(-1)
      expect(first.revision).to.equal(newest)

      // Nothing changed upstream: one request, no build.
      proxy.urls.length = 0
      expect((await handler.sync(reg, testSignal(), { now: NOW, previousHash: first.hash })).unchanged).to.equal(true)
      expect(proxy.urls.map((u) => u.searchParams.get('updated_since'))).to.deep.equal([newest])

      // Ten changes: one deleted, one deprecated, one new version, seven edited descriptions.
      const at = '2026-12-04T09:00:00Z'
      const touch = (s: ServerResponse, patch: Partial<ServerResponse['server']>, status?: string): ServerResponse => ({
        server: { ...s.server, ...patch },
        _meta: { ...s._meta, [OfficialMetaKey]: { ...official(s), updatedAt: at, ...(status === undefined ? {} : { status }) } },
      } as ServerResponse)
      const pick = (i: number) => upstream[i] as ServerResponse
      const [del, dep, base] = [pick(10), pick(20), pick(30)]
      const rest = upstream.slice(40, 47)
      const changed = new Map<number, ServerResponse>([[10, touch(del, {}, 'deleted')], [20, touch(dep, {}, 'deprecated')]])
      rest.forEach((s, i) => changed.set(40 + i, touch(s, { description: `edited ${i}` })))
      const newVersion = touch(base, { version: '9.9.9' })
      const next = upstream.map((s, i) => changed.get(i) ?? s)
      next.push({ ...newVersion, _meta: { ...newVersion._meta, [OfficialMetaKey]: { ...official(newVersion), publishedAt: at, isLatest: true } } } as ServerResponse)
      writeFileSync(join(dir, 'next.json'), JSON.stringify({ servers: next, metadata: { count: next.length } }))
      renameSync(join(dir, 'next.json'), api.file)
      await waitFor(async () => (await listAll(api.base, newest)).length === 10, 30_000)

      proxy.urls.length = 0
      const second = full(await handler.sync(reg, testSignal(), { now: NOW, previousHash: first.hash }))
      expect(proxy.urls).to.have.length(1)
      expect(second.revision).to.equal(at)
      expect(second.serverCount).to.equal(10_000) // one deleted, one new version
      const byKey = new Map(second.data.servers.map((s) => [`${s.server.name}@${s.server.version}`, s]))
      expect(byKey.has(`${del.server.name}@${del.server.version}`)).to.equal(false)
      expect(official(byKey.get(`${dep.server.name}@${dep.server.version}`) as ServerResponse).status).to.equal('deprecated')
      expect(byKey.has(`${base.server.name}@9.9.9`)).to.equal(true)
      expect((byKey.get(`${rest[0]?.server.name}@${rest[0]?.server.version}`) as ServerResponse).server.description).to.equal('edited 0')

      // The incremental result equals a full mirror of the new upstream state.
      const fresh = full(await new ApiMirrorSourceHandler(f.core, { policy }).sync(mirror('mirror', api.base), testSignal(240_000), { now: NOW }))
      expect(second.data.servers).to.deep.equal(fresh.data.servers)
    } finally {
      proxy.server.close()
    }
  })

  it('backs off on 429 (Retry-After) and 500 mid-paging and resumes from the same cursor', async () => {
    let injected = 0
    const proxy = await startProxy(() => api.port, (_url, n) => {
      if (n === 50 && injected === 0) return (injected++, { status: 429, headers: { 'retry-after': '1' } })
      if (n === 51 && injected === 1) return (injected++, { status: 500 })
      return 'pass'
    })
    try {
      const started = Date.now()
      const result = full(await new ApiMirrorSourceHandler(f.core, { policy, retryBaseMs: 50 }).sync(mirror('retry', proxy.base), testSignal(240_000), { now: NOW }))
      expect(result.serverCount).to.equal(10_000)
      expect(proxy.urls).to.have.length(102)
      const cursorAt = (i: number) => proxy.urls[i]?.searchParams.get('cursor')
      expect([cursorAt(50), cursorAt(51)]).to.deep.equal([cursorAt(49), cursorAt(49)])
      expect(Date.now() - started).to.be.greaterThan(1000) // Retry-After: 1 was honoured
    } finally {
      proxy.server.close()
    }
  })

  it('fails without a result when the upstream is killed mid-paging, and mirrors in full once it is back', async () => {
    const proxy = await startProxy(() => api.port, (_url, n) => {
      if (n === 30) api.kill()
      return 'pass'
    })
    try {
      const handler = new ApiMirrorSourceHandler(f.core, { policy, retryBaseMs: 20 })
      const reg = mirror('killed', proxy.base)
      let err: SourceError | undefined
      try {
        await handler.sync(reg, testSignal(240_000), { now: NOW })
      } catch (e) {
        err = e as SourceError
      }
      expect(err?.code).to.equal('SourceUnreachable')
      expect(err?.message).to.include(`api ${proxy.base}`)
      await api.start()
      const again = full(await handler.sync(reg, testSignal(240_000), { now: NOW }))
      expect(again.serverCount).to.equal(10_000)
      expect(proxy.urls.filter((u) => !u.searchParams.has('updated_since')).length).to.be.greaterThan(100)
    } finally {
      proxy.server.close()
    }
  })
})
