/**
 * Operator memory at scale: the operator compiled and run as operator-scale.bench.ts runs it (its ServiceAccount, the
 * args and env of config/manager, NODE_OPTIONS included), its RSS sampled from /proc every 20 ms.
 * 1. 100 MCPRegistries with 4 ConfigMap sources each (5 servers per source, one view of all four): time to all
 *    Ready with 20 servers, peak RSS while they sync and RSS once settled (`rssMiB100x4`, `peakRssMiB100x4`).
 * 2. One more registry whose `url` source serves a generated 100,000-server ToolHive document (136 MB) from a plain
 *    HTTP server on 127.0.0.1: the operator fetches, validates, converts, hashes and stores it as it would any source.
 *    `peakRssMiBUrl100k` is the peak from the registry's creation until `status.serverCount` is 100,000 (what
 *    config/manager's memory limit must hold), `sync100kMs` that duration. The operator's `--max-source-bytes` is
 *    raised to 512 MiB for it and the mirror (its default, 32 MiB, refuses such a document with a clear condition).
 *    Then the source changes (a document of other generated servers, same size) and is synced again through its
 *    trigger annotation: `resync100kMs`, `peakRssMiBResync100k` (the previous snapshot and the new one both in play).
 * 3. That registry deleted, one more whose `api` source mirrors the same 100,000 versions from our registry API (compiled,
 *    `--file` with the same document, 2 GiB heap as such a registry's Deployment sets it): 1,000 pages of 100.
 *    `peakRssMiBMirror100k` and `mirror100kMs` (creation → `status.serverCount` 100,000). `peakRssMiB100k` is the
 *    highest of the three peaks.
 * Run alone: node --conditions=@thv/source --import tsx bench/operator-memory.bench.ts (about 5 minutes).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node'
import { createTestNamespace, stopTestControlPlane, systemPlane } from '@thv/control-plane'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import { SourceSyncTriggerAnnotationPrefix } from '@thv/registry-model'
import {
  applyObjects, applySourceConfigMap, buildOperator, getSystem, loadToolHiveFixture, stopSystem, subsetOf, TOOLHIVE_GROUP,
  TOOLHIVE_VERSION, toolHiveKeys, type RegistryObject,
} from '@thv/testkit'
import { buildApi, type BuiltApi } from './api.build.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const REGISTRIES = Number(process.env.THV_BENCH_OPERATOR_MEMORY_REGISTRIES ?? 100)
const BIG_SERVERS = Number(process.env.THV_BENCH_OPERATOR_MEMORY_SERVERS ?? 100_000)
/** Instead of config/manager's (to find what a size needs); the figures of record use config/manager's. */
const NODE_OPTIONS = process.env.THV_BENCH_OPERATOR_MEMORY_NODE_OPTIONS
const SOURCES = ['a', 'b', 'c', 'd'] as const
const DEADLINE_MS = 15 * 60_000
const MiB = 1024 * 1024

/** VmRSS of `pid` in MiB; NaN once the process is gone. */
function rssMiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024
  } catch {
    return Number.NaN
  }
}

/** Samples the RSS of `pid` every 20 ms until stopped; returns the highest sample. */
function peakSampler(pid: number): { stop: () => number } {
  let peak = rssMiB(pid)
  const sample = (): void => {
    const now = rssMiB(pid)
    if (now > peak) peak = now // NaN (the process is gone) never is
  }
  const timer = setInterval(sample, 20)
  return { stop: () => (clearInterval(timer), sample(), peak) }
}

async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  const started = performance.now()
  while (!(await done())) {
    if (performance.now() - started > DEADLINE_MS) throw new Error(`${what}: not within ${DEADLINE_MS / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 250)) // poll interval: bounds the measurement error to 0.25 s
  }
}

const round = (x: number): number => Math.round(x * 10) / 10

/** The registry API serving `file`, compiled as its image runs it; resolves with its port once it serves the file. */
function startApi(built: BuiltApi, file: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [built.main, '--file', file, '--port', '0', '--host', '127.0.0.1'], {
    cwd: built.cwd, stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '--max-old-space-size=2048 --max-semi-space-size=4', MALLOC_MMAP_THRESHOLD_: '16384', LOG_LEVEL: 'info' },
  })
  let port = 0
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`API exited ${code ?? signal}`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      const line = (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>
      if (line['message'] === 'Listening') port = line['port'] as number
      if (line['message'] !== 'Compressed snapshot documents') return
      const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()))
      resolvePromise({ port, stop: () => (child.kill('SIGTERM'), exited) })
    })
  })
}

async function main(): Promise<void> {
  process.stderr.write('[bench operator-memory] compiling the operator as its image does\n')
  await buildOperator()
  const sys = await getSystem({
    plane: systemPlane, operatorRuntime: 'compiled',
    operatorEnv: { THV_REGISTRY_MAX_SOURCE_BYTES: String(512 * MiB), ...(NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS }) },
  })
  const pid = sys.operator().process.pid
  if (pid === undefined) throw new Error('The operator has no pid')
  const ns = await createTestNamespace('bench-opmem')
  const custom = sys.kc.makeApiClient(CustomObjectsApi)
  const registries = async (): Promise<RegistryObject[]> =>
    ((await custom.listNamespacedCustomObject({ group: TOOLHIVE_GROUP, version: TOOLHIVE_VERSION, namespace: ns, plural: 'mcpregistries' })) as { items: RegistryObject[] }).items

  // 1. 100 registries × 4 sources.
  const fixture = loadToolHiveFixture()
  const keys = toolHiveKeys(fixture)
  for (const [i, source] of SOURCES.entries()) {
    await applySourceConfigMap(sys.kc, ns, `source-${source}`, JSON.stringify(subsetOf(fixture, (k) => Math.floor(keys.indexOf(k) / 5) === i)))
  }
  const manySampler = peakSampler(pid)
  const t0 = performance.now()
  await applyObjects(sys.kc, Array.from({ length: REGISTRIES }, (_, r) => ({
    apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPRegistry', metadata: { name: `reg-${String(r).padStart(3, '0')}`, namespace: ns },
    spec: { sources: SOURCES.map((s) => ({ name: s, configmap: { name: `source-${s}` } })), registries: [{ name: 'all', sources: [...SOURCES] }] },
  })) as never)
  await waitFor(`${REGISTRIES} registries of 4 sources Ready`, async () =>
    (await registries()).filter((r) => r.status?.phase === 'Ready' && r.status.serverCount === 20).length === REGISTRIES)
  const manyReadySeconds = (performance.now() - t0) / 1000
  await new Promise((resolve) => setTimeout(resolve, 10_000)) // let the queue drain before the settled figure
  const peakRssMiB100x4 = manySampler.stop()
  const rssMiB100x4 = rssMiB(pid)
  process.stderr.write(`[bench operator-memory] ${REGISTRIES} × 4 sources Ready in ${manyReadySeconds.toFixed(1)} s; RSS ${rssMiB100x4.toFixed(0)} MiB, peak ${peakRssMiB100x4.toFixed(0)} MiB\n`)

  // 2. One registry of 100,000 versions from a url source.
  const template = fixture as unknown as ToolHiveRegistryDocument
  const document = Buffer.from(JSON.stringify(generateRegistry({ template, count: BIG_SERVERS, seed: 1 })))
  let served = document
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': served.length }).end(served)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/registry.json`
    const bigSampler = peakSampler(pid)
    const t1 = performance.now()
    await applyObjects(sys.kc, [{
      apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPRegistry', metadata: { name: 'big', namespace: ns },
      spec: { sources: [{ name: 'web', url: { endpoint } }] },
    }] as never)
    let big: RegistryObject | undefined
    await waitFor(`the ${BIG_SERVERS}-version registry synced`, async () => {
      big = (await registries()).find((r) => r.metadata?.name === 'big')
      const failing = big?.status?.conditions?.find((c) => c.type === 'SyncSuccessful' && c.status === 'False')
      if (failing !== undefined) throw new Error(`sync of the big registry failed: ${failing.message ?? failing.reason ?? ''}`)
      return big?.status?.serverCount === BIG_SERVERS
    })
    const sync100kMs = Math.round(performance.now() - t1)
    await new Promise((resolve) => setTimeout(resolve, 10_000))
    const peakRssMiB100k = bigSampler.stop()
    const rssAfter100kMiB = Math.round(rssMiB(pid))
    process.stderr.write(`[bench operator-memory] ${BIG_SERVERS} versions from a url source synced in ${sync100kMs} ms; peak RSS ${peakRssMiB100k.toFixed(0)} MiB\n`)

    // 2b. The source changes (another generated document of the same size) and is synced again: the previous
    // snapshot (publish-time history) and the new one are both in play, the steady case of a large source.
    const firstHash = big?.status?.lastSyncHash
    served = Buffer.from(JSON.stringify(generateRegistry({ template, count: BIG_SERVERS, seed: 2 })))
    const resyncSampler = peakSampler(pid)
    const t1b = performance.now()
    await custom.patchNamespacedCustomObject({
      group: TOOLHIVE_GROUP, version: TOOLHIVE_VERSION, namespace: ns, plural: 'mcpregistries', name: 'big',
      body: [{ op: 'add', path: `/metadata/annotations`, value: { [`${SourceSyncTriggerAnnotationPrefix}web`]: 'bench-resync' } }],
    }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch))
    await waitFor(`the ${BIG_SERVERS}-version registry synced again`, async () => {
      big = (await registries()).find((r) => r.metadata?.name === 'big')
      return big?.status?.lastSyncHash !== undefined && big.status.lastSyncHash !== firstHash && big.status.serverCount === BIG_SERVERS
    })
    const resync100kMs = Math.round(performance.now() - t1b)
    await new Promise((resolve) => setTimeout(resolve, 10_000))
    const peakRssMiBResync100k = resyncSampler.stop()
    const rssAfterResyncMiB = Math.round(rssMiB(pid))
    served = document
    process.stderr.write(`[bench operator-memory] changed, synced again in ${resync100kMs} ms; peak RSS ${peakRssMiBResync100k.toFixed(0)} MiB, then ${rssAfterResyncMiB} MiB\n`)

    // 3. The same versions mirrored from our registry API (an `api` source).
    await custom.deleteNamespacedCustomObject({ group: TOOLHIVE_GROUP, version: TOOLHIVE_VERSION, namespace: ns, plural: 'mcpregistries', name: 'big' })
    await waitFor('the big registry deleted', async () => (await registries()).every((r) => r.metadata?.name !== 'big'))
    const work = mkdtempSync(join(tmpdir(), 'thv-bench-operator-memory-'))
    try {
      const file = join(work, 'registry.json')
      writeFileSync(file, document)
      mkdirSync(join(work, 'api'))
      const api = await startApi(buildApi(ROOT, join(work, 'api')), file)
      try {
        const mirrorSampler = peakSampler(pid)
        const t2 = performance.now()
        await applyObjects(sys.kc, [{
          apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPRegistry', metadata: { name: 'mirror', namespace: ns },
          spec: { sources: [{ name: 'upstream', api: { endpoint: `http://127.0.0.1:${api.port}`, timeout: '5m' } }] },
        }] as never)
        await waitFor(`the ${BIG_SERVERS}-version mirror synced`, async () => {
          const mirror = (await registries()).find((r) => r.metadata?.name === 'mirror')
          const failing = mirror?.status?.conditions?.find((c) => c.type === 'SyncSuccessful' && c.status === 'False')
          if (failing !== undefined) throw new Error(`sync of the mirror failed: ${failing.message ?? failing.reason ?? ''}`)
          return mirror?.status?.serverCount === BIG_SERVERS
        })
        const mirror100kMs = Math.round(performance.now() - t2)
        await new Promise((resolve) => setTimeout(resolve, 10_000))
        const peakRssMiBMirror100k = mirrorSampler.stop()
        process.stderr.write(`[bench operator-memory] ${BIG_SERVERS} versions mirrored in ${mirror100kMs} ms; peak RSS ${peakRssMiBMirror100k.toFixed(0)} MiB\n`)
        // Nested under `memory` but for the headline keys: operator-scale.bench.ts reports into the same section.
        const result = {
          peakRssMiB100k: Math.round(Math.max(peakRssMiB100k, peakRssMiBResync100k, peakRssMiBMirror100k)), rssMiB100x4: Math.round(rssMiB100x4),
          peakRssMiB100x4: Math.round(peakRssMiB100x4),
          memory: {
            registries: REGISTRIES, sourcesPerRegistry: SOURCES.length, manyReadySeconds: round(manyReadySeconds),
            bigServers: BIG_SERVERS, bigDocumentMiB: round(document.length / MiB), sync100kMs, peakRssMiBUrl100k: Math.round(peakRssMiB100k),
            rssAfter100kMiB, resync100kMs, peakRssMiBResync100k: Math.round(peakRssMiBResync100k), rssAfterResyncMiB, mirror100kMs, peakRssMiBMirror100k: Math.round(peakRssMiBMirror100k), rssAfterMirrorMiB: Math.round(rssMiB(pid)),
            nodeOptions: NODE_OPTIONS ?? sys.operatorInfo.env['NODE_OPTIONS'] ?? null,
          },
        }
        const line = JSON.stringify({ operator: result })
        if (process.env.THV_BENCH_RESULT_FILE) writeFileSync(process.env.THV_BENCH_RESULT_FILE, line)
        process.stdout.write(`${line}\n`)
      } finally {
        await api.stop()
      }
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  } finally {
    server.close()
  }
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`operator-memory bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  })
  .finally(async () => {
    await stopSystem()
    await stopTestControlPlane()
  })
