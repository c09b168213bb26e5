/**
 * Operator scale benchmark: 100 MCPRegistries and 1,000 labelled MCPServers (10 per registry)
 * reconciled to Ready with correct deployedServerCount; the same 1,000 MCPServers are also annotated for export and
 * one more registry has a `kubernetes` source over their namespace, so it serves all 1,000 as remote entries, the operator running as in e2e (its own ServiceAccount, the
 * args and env of config/manager) but compiled, as its image runs it (`node apps/operator/dist/main.js`, built first
 * as apps/operator/Dockerfile builds it): running the sources through tsx would add tsx's own memory to the figure.
 * Measures the time from the first create to all Ready with correct counts, and the operator's RSS (peak sampled
 * during, and after settling) and CPU seconds from /proc. Target: RSS <= 200 MiB.
 * Writes {scaleSeconds, rssMiB, peakRssMiB, cpuSeconds, registries, mcpServers, exportedMcpServers} to $THV_BENCH_RESULT_FILE.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { CustomObjectsApi } from '@kubernetes/client-node'
import { createTestNamespace, stopTestControlPlane, systemPlane } from '@thv/control-plane'
import {
  applyObjects, applySourceConfigMap, buildOperator, getSystem, loadToolHiveFixture, stopSystem, subsetOf, TOOLHIVE_GROUP,
  TOOLHIVE_VERSION, toolHiveKeys, type RegistryObject,
} from '@thv/testkit'

const REGISTRIES = Number(process.env.THV_BENCH_REGISTRIES ?? 100)
const SERVERS_PER_REGISTRY = Number(process.env.THV_BENCH_SERVERS_PER_REGISTRY ?? 10)
const DEADLINE_MS = 15 * 60_000

/** Resident set size and CPU seconds (user + system) of a Linux process. */
function processUsage(pid: number): { rssMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15 of proc(5))
  return { rssMiB: rssKiB / 1024, cpuSeconds: ticks / 100 }
}

async function main(): Promise<void> {
  process.stderr.write('[bench operator-scale] compiling the operator as its image does\n')
  await buildOperator()
  const sys = await getSystem({ plane: systemPlane, operatorRuntime: 'compiled' })
  const pid = sys.operator().process.pid
  if (pid === undefined) throw new Error('The operator has no pid')
  const ns = await createTestNamespace('bench-scale')
  const fixture = loadToolHiveFixture()
  const keys = toolHiveKeys(fixture)
  await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(subsetOf(fixture, (k) => keys.indexOf(k) < 20)))
  const cpuBefore = processUsage(pid).cpuSeconds
  let peak = 0
  const sampler = setInterval(() => { peak = Math.max(peak, processUsage(pid).rssMiB) }, 250)

  const t0 = performance.now()
  const objects: object[] = []
  for (let r = 0; r < REGISTRIES; r += 1) {
    const name = `reg-${String(r).padStart(3, '0')}`
    objects.push({
      apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPRegistry', metadata: { name, namespace: ns },
      spec: { source: { type: 'configmap', configmap: { name: 'registry-data' } } },
    })
    for (let s = 0; s < SERVERS_PER_REGISTRY; s += 1) {
      objects.push({
        apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPServer', metadata: {
          name: `${name}-srv-${s}`, namespace: ns,
          labels: { 'toolhive.stacklok.io/registry-name': name, 'toolhive.stacklok.io/registry-namespace': ns, 'toolhive.stacklok.io/server-name': keys[s] ?? 'x' },
          annotations: {
            'toolhive.stacklok.dev/registry-export': 'true', 'toolhive.stacklok.dev/registry-url': `http://${name}-srv-${s}.${ns}.svc:8080/mcp`,
            'toolhive.stacklok.dev/registry-description': `Benchmark server ${name}-srv-${s}`,
          },
        },
        spec: { image: 'ghcr.io/example/mcp:1.0.0', transport: 'stdio' },
      })
    }
  }
  // Every MCPServer is also exported (annotations above), and one registry publishes them all through a kubernetes source.
  objects.push({
    apiVersion: `${TOOLHIVE_GROUP}/${TOOLHIVE_VERSION}`, kind: 'MCPRegistry', metadata: { name: 'exported', namespace: ns },
    spec: { sources: [{ name: 'running', kubernetes: {} }] },
  })
  await applyObjects(sys.kc, objects as never)
  const created = performance.now()
  process.stdout.write(`created ${REGISTRIES} registries and ${REGISTRIES * SERVERS_PER_REGISTRY} MCPServers in ${((created - t0) / 1000).toFixed(1)} s\n`)

  const custom = sys.kc.makeApiClient(CustomObjectsApi)
  for (;;) {
    const list = (await custom.listNamespacedCustomObject({ group: TOOLHIVE_GROUP, version: TOOLHIVE_VERSION, namespace: ns, plural: 'mcpregistries' })) as { items: RegistryObject[] }
    const done = list.items.filter((r) => r.metadata?.name?.startsWith('reg-') === true && r.status?.phase === 'Ready' && r.status.deployedServerCount === SERVERS_PER_REGISTRY && r.status.serverCount === 20).length
    const exported = list.items.find((r) => r.metadata?.name === 'exported')?.status?.serverCount ?? 0
    if (done === REGISTRIES && exported === REGISTRIES * SERVERS_PER_REGISTRY) break
    if (performance.now() - t0 > DEADLINE_MS) throw new Error(`Only ${done}/${REGISTRIES} registries Ready with correct counts after ${DEADLINE_MS / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 500)) // poll interval; bounds the measurement error to 0.5 s
  }
  const scaleSeconds = (performance.now() - t0) / 1000
  const cpuSeconds = processUsage(pid).cpuSeconds - cpuBefore
  // Let the queue drain and GC settle a little before the "after" RSS figure.
  await new Promise((resolve) => setTimeout(resolve, 10_000))
  clearInterval(sampler)
  const after = processUsage(pid)
  const result = {
    scaleSeconds: Math.round(scaleSeconds * 10) / 10, rssMiB: Math.round(after.rssMiB), peakRssMiB: Math.round(Math.max(peak, after.rssMiB)),
    cpuSeconds: Math.round(cpuSeconds * 10) / 10, registries: REGISTRIES + 1, mcpServers: REGISTRIES * SERVERS_PER_REGISTRY,
    exportedMcpServers: REGISTRIES * SERVERS_PER_REGISTRY, targetRssMiB: 200,
  }
  const line = JSON.stringify(result)
  if (process.env.THV_BENCH_RESULT_FILE) writeFileSync(process.env.THV_BENCH_RESULT_FILE, line)
  process.stdout.write(`${line}\n`)
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`operator-scale bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  })
  .finally(async () => {
    await stopSystem()
    await stopTestControlPlane()
  })
