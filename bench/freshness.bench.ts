/**
 * Freshness benchmark: source ConfigMap edited -> first API response carrying the new snapshot
 * hash. The whole system runs as in e2e (config/default, operator as its ServiceAccount, API from its Deployment);
 * 20 edits, each timed from the ConfigMap write to the first /api/v1/registry/info with a new hash, while a second
 * client keeps requesting /v0.1/servers and counts failures. Target: p95 <= 5 s, zero failed requests.
 * Writes {p50Ms, p95Ms, maxMs, edits, failedRequests, requestsDuringEdits} to $THV_BENCH_RESULT_FILE.
 */
import { writeFileSync } from 'node:fs'
import { createTestNamespace, stopTestControlPlane, systemPlane } from '@thv/control-plane'
import {
  applyRegistry, applySourceConfigMap, getJson, getSystem, httpGet, loadToolHiveFixture, stopSystem, waitForRegistryReady,
  type ToolHiveDocument,
} from '@thv/testkit'

const EDITS = Number(process.env.THV_BENCH_FRESHNESS_EDITS ?? 20)
const DEADLINE_MS = 30_000

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] ?? Number.NaN
}

async function main(): Promise<void> {
  const sys = await getSystem({ plane: systemPlane })
  const ns = await createTestNamespace('bench-freshness')
  const fixture = loadToolHiveFixture()
  const [key, entry] = Object.entries(fixture.servers)[0] ?? []
  if (key === undefined || entry === undefined) throw new Error('The ToolHive fixture has no servers')
  const edit = (i: number): ToolHiveDocument => ({
    ...fixture, servers: { ...fixture.servers, [key]: { ...entry, description: `freshness edit ${i}` } },
  })
  await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(edit(0)))
  await applyRegistry(sys.kc, ns, 'fresh', { source: { type: 'configmap', configmap: { name: 'registry-data' } } })
  await waitForRegistryReady(sys.kc, ns, 'fresh', { timeoutMs: 120_000 })
  const api = await sys.startApi(ns, 'fresh')
  const infoUrl = `${api.baseUrl}/api/v1/registry/info`

  let failed = 0
  let requests = 0
  let polling = true
  const background = (async () => {
    while (polling) {
      requests += 1
      const ok = await httpGet(`${api.baseUrl}/v0.1/servers?limit=30`).then((r) => r.status === 200, () => false)
      if (!ok) failed += 1
    }
  })()

  const samples: number[] = []
  let hash = (await getJson<{ hash: string }>(infoUrl)).hash
  for (let i = 1; i <= EDITS; i += 1) {
    const t0 = performance.now()
    await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(edit(i)))
    for (;;) {
      const next = (await getJson<{ hash: string }>(infoUrl)).hash
      if (next !== hash) { hash = next; break }
      if (performance.now() - t0 > DEADLINE_MS) throw new Error(`Edit ${i} not served after ${DEADLINE_MS} ms`)
      await new Promise((resolve) => setTimeout(resolve, 10)) // polling interval bounds the measurement error to 10 ms
    }
    samples.push(performance.now() - t0)
    process.stdout.write(`edit ${i}: ${samples.at(-1)?.toFixed(0)} ms\n`)
  }
  polling = false
  await background
  await api.stop()
  const sorted = [...samples].sort((a, b) => a - b)
  const result = {
    p50Ms: Math.round(percentile(sorted, 50)), p95Ms: Math.round(percentile(sorted, 95)), maxMs: Math.round(sorted.at(-1) ?? 0),
    edits: samples.length, failedRequests: failed, requestsDuringEdits: requests, targetP95Ms: 5_000,
  }
  const line = JSON.stringify(result)
  if (process.env.THV_BENCH_RESULT_FILE) writeFileSync(process.env.THV_BENCH_RESULT_FILE, line)
  process.stdout.write(`${line}\n`)
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`freshness bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  })
  .finally(async () => {
    await stopSystem()
    await stopTestControlPlane()
  })
