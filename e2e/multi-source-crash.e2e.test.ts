// Issue 13: the operator SIGKILLed during the per-source stores of a registry with several sources and two views.
// One source (a url source of 6,000 servers) is large enough that its snapshot, and the served document, are stored
// as several shard ConfigMaps, so a store is several writes. The operator is killed at chosen points of those writes
// (seen through a watch on the storage ConfigMaps) and at random delays, then restarted. Throughout, every answer of
// every view must hold, for each source of the view, exactly that source's old or new servers, never a mix of one
// source's halves; every per-source snapshot in storage must be complete (its content hashes to its hash) and be
// the old or the new one. Afterwards, `thv` pointed at a view's base URL is replayed request by request.
import { createServer, get, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { systemPlane } from '@thv/control-plane'
import { CoordinationV1Api, CoreV1Api, Watch, type V1ConfigMap } from '@kubernetes/client-node'
import { computeSnapshotHash, ToolHiveNameNamespace } from '@thv/converters'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import type { MCPRegistry, RegistrySnapshot } from '@thv/registry-model'
import {
  ConfigMapStorageManager, RegistryLabel, ShardGenerationLabel, SnapshotHashAnnotation, StoragePartLabel, StorageSourceLabel,
  sourceStorageConfigMapName, storageConfigMapName,
} from '@thv/storage'
import { expect } from 'chai'
import {
  annotateRegistry, applyObjects, applySourceConfigMap, eventually, flagValue, getJson, getSystem, httpGet, isApiStatus, loadToolHiveFixture,
  readRegistry, stopSystem, subsetOf, toolHiveKeys, waitForRegistryReady, type ApiHandle, type E2ESystem, type ToolHiveDocument,
} from '@thv/testkit'

after(stopSystem)

/**
 * GET on a new connection (no keep-alive). The API blocks its event loop for seconds while it builds the views of a
 * new 9,000-server snapshot; when it resumes, Node's expired keep-alive timers close idle sockets before it reads
 * the requests a client already sent on them, so a reused socket can fail with a reset that says nothing about the
 * data served. A fresh connection waits in the listen backlog instead.
 */
function getFresh(url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${url} took more than ${timeoutMs} ms`)))
    req.on('error', reject)
  })
}

const REGISTRY = 'crash-views'
const SOURCES = ['big', 'a', 'b'] as const
type SourceName = (typeof SOURCES)[number]
/** The views: `all` over every source, `smalls` over the two ConfigMap sources. */
const VIEWS: Record<string, readonly SourceName[]> = { all: ['big', 'a', 'b'], smalls: ['a', 'b'] }
/**
 * Servers of the url source: its snapshot is about 1.07 MB gzip-compressed (every version keeps at least 95% of them),
 * above the 900 KiB a single storage ConfigMap takes, so it is stored as two shards; with the small sources a view
 * stays under the 10,000 servers at which thv stops listing.
 */
const BIG_COUNT = 9_500
/** The upstream name of a ToolHive key without `/`: `io.github.stacklok/<key>`. */
const upstreamName = (key: string): string => `${ToolHiveNameNamespace}/${key}`

/** Where the kill lands in a round: a storage write seen through the watch, or a delay after the edits. */
type KillPoint =
  | { readonly kind: 'watch'; readonly what: 'first new shard of source big' | 'index flip of source big' | 'index write of source a' | 'first new shard of the served document' | 'index flip of the served document' }
  | { readonly kind: 'delay'; readonly ms: number }

const KILL_POINTS: readonly KillPoint[] = [
  { kind: 'watch', what: 'first new shard of source big' },
  { kind: 'watch', what: 'index flip of source big' },
  { kind: 'watch', what: 'first new shard of the served document' },
  { kind: 'watch', what: 'index write of source a' },
  { kind: 'watch', what: 'index flip of the served document' },
  { kind: 'delay', ms: 400 },
]

describe('operator SIGKILLed during per-source stores of a registry with views (issue 13)', function () {
  this.timeout(1_800_000)
  const fixture = loadToolHiveFixture()
  const fixtureKeys = toolHiveKeys(fixture)
  const bigFull = generateRegistry({ template: fixture as ToolHiveRegistryDocument, count: BIG_COUNT, seed: 13 }) as ToolHiveDocument
  const bigKeys = toolHiveKeys(bigFull)
  const half = Math.floor(fixtureKeys.length / 2)
  const universe: Record<SourceName, ReadonlySet<string>> = {
    big: new Set(bigKeys), a: new Set(fixtureKeys.slice(0, half)), b: new Set(fixtureKeys.slice(half)),
  }
  /** Version `v` of a source: a distinct, complete subset of its universe (`v` 0 is all of it, others drop ~1 in v + 19). */
  const version = (source: SourceName, v: number): ToolHiveDocument => {
    const base = source === 'big' ? bigFull : fixture
    const keys = [...universe[source]]
    const dropped = new Set(v === 0 ? [] : keys.filter((_, i) => (i + v) % (v + 19) === 0))
    return subsetOf(base, (k) => universe[source].has(k) && !dropped.has(k))
  }

  let sys: E2ESystem
  let ns: string
  let api: ApiHandle | undefined
  let web: Server | undefined
  let bigBody = ''

  before(async function () {
    sys = await getSystem({ plane: systemPlane })
    ns = await sys.createNamespace('e2e-crash-views')
    bigBody = JSON.stringify(version('big', 0))
    web = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(bigBody))
    await new Promise<void>((resolve) => web!.listen(0, '127.0.0.1', resolve))
    const port = (web.address() as AddressInfo).port
    await applySourceConfigMap(sys.kc, ns, 'src-a', JSON.stringify(version('a', 0)))
    await applySourceConfigMap(sys.kc, ns, 'src-b', JSON.stringify(version('b', 0)))
    await applyObjects(sys.kc, [{
      apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name: REGISTRY, namespace: ns },
      spec: {
        sources: [
          { name: 'big', format: 'toolhive', url: { endpoint: `http://127.0.0.1:${port}/registry.json` }, syncPolicy: { interval: '24h' } },
          { name: 'a', configMapRef: { name: 'src-a', key: 'registry.json' } },
          { name: 'b', configMapRef: { name: 'src-b', key: 'registry.json' } },
        ],
        registries: Object.entries(VIEWS).map(([name, sources]) => ({ name, sources })),
      },
    }] as never)
    await waitForRegistryReady(sys.kc, ns, REGISTRY, { timeoutMs: 180_000, extra: (r) => expect((r.status as { sourcesReady?: string }).sourcesReady).to.equal('3/3') })
    api = await sys.startApi(ns, REGISTRY)
  })

  after(async () => {
    await api?.stop()
    await new Promise<void>((resolve) => (web === undefined ? resolve() : web.close(() => resolve())))
  })

  it('serves each source\'s old or new servers in every view after every kill, and stores only complete per-source snapshots', async () => {
    if (!api) throw new Error('The API is not running; see the before hook')
    const baseUrl = api.baseUrl
    const storage = new ConfigMapStorageManager(sys.kc.makeApiClient(CoreV1Api))
    const leases = sys.kc.makeApiClient(CoordinationV1Api)
    const leaseName = flagValue(sys.operatorInfo.args, '--leader-election-id') ?? 'thv-operator-leader'
    const leaseNamespace = flagValue(sys.operatorInfo.args, '--leader-election-namespace') ?? sys.operatorInfo.env['POD_NAMESPACE'] ?? sys.operatorInfo.namespace
    const registryObject = async (): Promise<MCPRegistry> => (await readRegistry(sys.kc, ns, REGISTRY)) as unknown as MCPRegistry

    // The big source and the served document are sharded: a store of each is several writes.
    const tiers = await sys.kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: ns, labelSelector: `${RegistryLabel}=${REGISTRY},${StoragePartLabel}=shard` })
    const shardsOf = (source: string | undefined) => tiers.items.filter((c) => c.metadata?.labels?.[StorageSourceLabel] === source).length
    expect([shardsOf('big'), shardsOf(undefined)].every((n) => n >= 2), `shards of source big and of the served document: ${shardsOf('big')}, ${shardsOf(undefined)}`).to.equal(true)

    let current: Record<SourceName, number> = { big: 0, a: 0, b: 0 }
    const keysOf = (source: SourceName, v: number): string => toolHiveKeys(version(source, v)).join(',')
    /** Per round: per source, the key sets allowed in any answer (old and new). */
    const rounds: Array<Record<SourceName, ReadonlySet<string>>> = [{ big: new Set([keysOf('big', 0)]), a: new Set([keysOf('a', 0)]), b: new Set([keysOf('b', 0)]) }]
    const bad: string[] = []
    let answers = 0
    let polling = true
    const checkView = async (view: string): Promise<void> => {
      const round = rounds.length - 1
      const res = await getFresh(`${baseUrl}/registry/${view}/api/v1/registry/servers`, 30_000).catch((err: Error) => ({ status: 0, text: err.message }))
      if (res.status !== 200) return void bad.push(`round ${round} view ${view}: status ${res.status}: ${res.text.slice(0, 200)}`)
      answers += 1
      const keys = toolHiveKeys(JSON.parse(res.text) as ToolHiveDocument)
      const allowed = rounds[round] as Record<SourceName, ReadonlySet<string>>
      const viewSources = VIEWS[view] ?? []
      const foreign = keys.filter((k) => !viewSources.some((s) => universe[s].has(k)))
      if (foreign.length > 0) bad.push(`round ${round} view ${view}: ${foreign.length} servers of sources the view does not have, e.g. ${foreign[0]}`)
      for (const s of viewSources) {
        const own = keys.filter((k) => universe[s].has(k)).join(',')
        if (!allowed[s].has(own)) bad.push(`round ${round} view ${view}: source ${s} served ${own.split(',').length} servers, neither its old nor its new set`)
      }
    }
    const poller = (async () => {
      while (polling) {
        await Promise.all(Object.keys(VIEWS).map(checkView))
        await delay(50)
      }
    })()

    /** Resolves when the storage watch sees `point` happen; the returned `stop` ends the watch. */
    const watchFor = async (point: KillPoint & { kind: 'watch' }): Promise<{ seen: Promise<void>; stop: () => void }> => {
      const before = await sys.kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: ns, labelSelector: `${RegistryLabel}=${REGISTRY}` })
      const hashOf = (name: string): string | undefined => before.items.find((c) => c.metadata?.name === name)?.metadata?.annotations?.[SnapshotHashAnnotation]
      const bigIndex = sourceStorageConfigMapName(REGISTRY, 'big')
      const aIndex = sourceStorageConfigMapName(REGISTRY, 'a')
      const servedIndex = storageConfigMapName(REGISTRY)
      const generationOf = (hash: string | undefined): string | undefined => hash?.slice(0, 16)
      const matches = (cm: V1ConfigMap): boolean => {
        const labels = cm.metadata?.labels ?? {}
        const name = cm.metadata?.name ?? ''
        const hash = cm.metadata?.annotations?.[SnapshotHashAnnotation]
        const isShard = labels[StoragePartLabel] === 'shard'
        switch (point.what) {
          case 'first new shard of source big': return isShard && labels[StorageSourceLabel] === 'big' && labels[ShardGenerationLabel] !== generationOf(hashOf(bigIndex))
          case 'index flip of source big': return name === bigIndex && hash !== hashOf(bigIndex)
          case 'index write of source a': return name === aIndex && hash !== hashOf(aIndex)
          case 'first new shard of the served document': return isShard && labels[StorageSourceLabel] === undefined && labels[ShardGenerationLabel] !== generationOf(hashOf(servedIndex))
          case 'index flip of the served document': return name === servedIndex && hash !== hashOf(servedIndex)
        }
      }
      let settle: () => void = () => undefined
      const seen = new Promise<void>((resolve) => { settle = resolve })
      // The client ends a watch after 30 s without events (a sync of the big source takes longer on a busy machine):
      // watch again from the last resourceVersion seen until the point is seen or the round stops it.
      let resourceVersion = before.metadata?.resourceVersion
      let stopped = false
      let controller: AbortController | undefined
      const start = async (): Promise<void> => {
        controller = await new Watch(sys.kc).watch(
          `/api/v1/namespaces/${ns}/configmaps`,
          { labelSelector: `${RegistryLabel}=${REGISTRY}`, resourceVersion },
          (type: string, cm: V1ConfigMap) => {
            resourceVersion = cm.metadata?.resourceVersion ?? resourceVersion
            if ((type === 'ADDED' || type === 'MODIFIED') && matches(cm)) settle()
          },
          () => { if (!stopped) void start() },
        )
      }
      await start()
      void seen.then(() => { stopped = true })
      return { seen, stop: () => { stopped = true; controller?.abort() } }
    }

    /** The stored snapshot of source `s`, checked complete (its content hashes to its hash); its ToolHive keys. */
    const storedKeys = async (s: SourceName): Promise<string> => {
      // Reading and checking a 9,000-server snapshot takes seconds, many more on a machine shared with other runs.
      const snapshot: RegistrySnapshot | undefined = await storage.getSource(await registryObject(), s, AbortSignal.timeout(180_000)).catch((err: unknown) => {
        throw new Error(`Cannot read the stored snapshot of source ${s}`, { cause: err })
      })
      if (snapshot === undefined) throw new Error(`No snapshot stored for source ${s}`)
      expect(computeSnapshotHash(snapshot), `the stored snapshot of source ${s} hashes to its recorded hash`).to.equal(snapshot.hash)
      const names = new Map([...universe[s]].map((k) => [upstreamName(k), k] as const))
      return [...new Set(snapshot.servers.map((e) => names.get(e.server.name) ?? `?${e.server.name}`))].sort().join(',')
    }

    const outcomes: string[] = []
    try {
      for (const [i, point] of KILL_POINTS.entries()) {
        const round = i + 1
        const next: Record<SourceName, number> = { big: round, a: round, b: round % 2 === 0 ? round : current.b }
        const both = (s: SourceName): ReadonlySet<string> => new Set([keysOf(s, current[s]), keysOf(s, next[s])])
        rounds.push({ big: both('big'), a: both('a'), b: both('b') })
        const context = `round ${round}, kill at ${point.kind === 'watch' ? point.what : `${point.ms} ms`}`
        const watch = point.kind === 'watch' ? await watchFor(point) : undefined
        try {
          // Several sources change at once: the url source (its trigger), a, and in even rounds b.
          bigBody = JSON.stringify(version('big', next.big))
          await applySourceConfigMap(sys.kc, ns, 'src-a', JSON.stringify(version('a', next.a)))
          if (next.b !== current.b) await applySourceConfigMap(sys.kc, ns, 'src-b', JSON.stringify(version('b', next.b)))
          await annotateRegistry(sys.kc, ns, REGISTRY, { 'toolhive.stacklok.dev/sync-trigger-big': `round-${round}` })
          if (watch !== undefined) {
            await Promise.race([watch.seen, delay(300_000).then(() => { throw new Error(`${context}: the kill point was never seen`) })])
          } else {
            await delay(point.kind === 'delay' ? point.ms : 0)
          }
          await sys.killOperator()
        } finally {
          watch?.stop()
        }
        // Storage right after the kill: every source slot holds a complete old or new snapshot.
        const afterKill = Object.fromEntries(await Promise.all(SOURCES.map(async (s) => [s, await storedKeys(s)] as const))) as Record<SourceName, string>
        for (const s of SOURCES) expect(rounds[round]?.[s].has(afterKill[s]), `${context}: stored snapshot of source ${s}`).to.equal(true)
        outcomes.push(`${context}: big ${afterKill.big === keysOf('big', next.big) ? 'new' : 'old'}, a ${afterKill.a === keysOf('a', next.a) ? 'new' : 'old'}`)

        await leases.deleteNamespacedLease({ namespace: leaseNamespace, name: leaseName }).catch((err: unknown) => {
          if (!isApiStatus(err, 404)) throw new Error(`Cannot delete Lease ${leaseNamespace}/${leaseName}`, { cause: err })
        })
        await sys.restartOperator()
        current = next
        // Converged: every source stored at its new version, and every view serving exactly the new sets.
        await eventually(async () => {
          for (const s of SOURCES) expect(await storedKeys(s), `${context}: source ${s} stored`).to.equal(keysOf(s, current[s]))
        }, { timeoutMs: 180_000, intervalMs: 500 })
        await eventually(async () => {
          for (const [view, sources] of Object.entries(VIEWS)) {
            const expected = sources.flatMap((s) => toolHiveKeys(version(s, current[s]))).sort()
            expect(toolHiveKeys(await getJson<ToolHiveDocument>(`${baseUrl}/registry/${view}/api/v1/registry/servers`)), `${context}: view ${view}`).to.deep.equal(expected)
          }
        }, { timeoutMs: 60_000, intervalMs: 250 })
      }
    } finally {
      polling = false
      await poller
    }
    process.stdout.write(`      [multi-source-crash] ${answers} view answers checked; ${outcomes.join('; ')}\n`)
    expect(bad, 'answers that mixed one source\'s old and new servers, or failed').to.deep.equal([])
    expect(answers).to.be.greaterThan(KILL_POINTS.length * 2)
  })

  it('answers thv pointed at a view\'s base URL: /openapi.yaml, then /v0.1/servers page by page, then one server', async () => {
    if (!api) throw new Error('The API is not running; see the before hook')
    const registry = await readRegistry(sys.kc, ns, REGISTRY)
    const sourcesNow = (registry?.status as { sources?: Array<{ name: string; serverCount?: number }> } | undefined)?.sources ?? []
    for (const [view, sources] of Object.entries(VIEWS)) {
      const base = `${api.baseUrl}/registry/${view}`
      const expected = (await getJson<ToolHiveDocument>(`${base}/api/v1/registry/servers`))
      const expectedNames = toolHiveKeys(expected).map(upstreamName).sort()
      expect(expectedNames.length, view).to.equal(sources.reduce((n, s) => n + (sourcesNow.find((x) => x.name === s)?.serverCount ?? 0), 0))
      // thv's ValidateEndpoint: the OpenAPI document of the MCP Registry API, version 1.0.0, naming the upstream repository.
      const openapi = await httpGet(`${base}/openapi.yaml`, { 'user-agent': 'thv/e2e' })
      expect(openapi.status, `${view} openapi`).to.equal(200)
      const info = /^info:\n((?: {2}.*\n| *\n)+)/m.exec(openapi.text)?.[1] ?? ''
      expect(info, `${view} openapi info`).to.match(/^ {2}version: "?1\.0\.0"?$/m)
      expect(info, `${view} openapi info.description`).to.include('https://github.com/modelcontextprotocol/registry')
      // thv's ListServers: limit=100&version=latest, then cursor=…&limit=100&version=latest until no nextCursor.
      const names: string[] = []
      let cursor = ''
      let pages = 0
      for (;;) {
        const params = new URLSearchParams([...(cursor === '' ? [] : [['cursor', cursor] as [string, string]]), ['limit', '100'], ['version', 'latest']])
        const page = await httpGet(`${base}/v0.1/servers?${params}`, { 'user-agent': 'thv/e2e' })
        expect(page.status, `${view} page ${pages}`).to.equal(200)
        const body = page.json as { servers: Array<{ server: { name: string } }>; metadata: { nextCursor?: string; count: number } }
        expect(body.servers.length, `${view} page ${pages}`).to.equal(body.metadata.count).and.be.at.most(100)
        names.push(...body.servers.map((s) => s.server.name))
        pages += 1
        if (!body.metadata.nextCursor) break
        cursor = body.metadata.nextCursor
        expect(pages, `${view}: thv gives up above 10,000 servers`).to.be.at.most(101)
      }
      expect(names.slice().sort(), `${view}: the servers thv lists`).to.deep.equal(expectedNames)
      expect(pages, view).to.equal(Math.ceil(expectedNames.length / 100))
      // thv's GetServer and SearchServers.
      const one = expectedNames[expectedNames.length - 1] as string
      const got = await httpGet(`${base}/v0.1/servers/${encodeURIComponent(one)}/versions/latest`)
      expect([got.status, (got.json as { server?: { name?: string } }).server?.name], view).to.deep.equal([200, one])
      const search = await httpGet(`${base}/v0.1/servers?${new URLSearchParams({ search: one.split('/')[1] ?? one, version: 'latest' })}`)
      expect((search.json as { servers: Array<{ server: { name: string } }> }).servers.map((s) => s.server.name), view).to.include(one)
      // The same view through the upstream /v0 paths and the ToolHive paths.
      const v0 = await httpGet(`${base}/v0/servers/${encodeURIComponent(one)}/versions/latest`)
      expect([v0.status, (v0.json as { server?: { name?: string } }).server?.name], `${view} /v0`).to.deep.equal([200, one])
    }
    // A server of the big source is not in the view of the small sources.
    const bigName = upstreamName(bigKeys[0] as string)
    const missing = await httpGet(`${api.baseUrl}/registry/smalls/v0.1/servers/${encodeURIComponent(bigName)}/versions/latest`)
    expect([missing.status, missing.headers.get('content-type')]).to.deep.equal([404, 'application/problem+json'])
    const unknown = await httpGet(`${api.baseUrl}/registry/nope/v0.1/servers?limit=100&version=latest`)
    expect([unknown.status, unknown.headers.get('content-type'), (unknown.json as { detail?: string }).detail]).to.deep.equal([404, 'application/problem+json', 'No registry view named "nope"'])
  })
})
