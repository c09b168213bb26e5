/**
 * Child process of `sources.bench.ts` (`gitLargeRepoPeakMiB`): syncs one git source and prints how far its peak RSS
 * rose above the RSS before the sync. A first sync of the `warm` branch loads every module and warms the code paths,
 * so the figure is what the measured sync itself costs. Env: `KUBECONFIG`, `GIT_URL`, `GIT_BRANCH`.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import type { SingleSourceRegistry } from '@thv/registry-model'
import { EgressPolicy, GitSourceHandler } from '@thv/sources'
import { testResolver } from '@thv/testkit'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}
const kc = new KubeConfig()
kc.loadFromFile(env('KUBECONFIG'))
const handler = new GitSourceHandler(kc.makeApiClient(CoreV1Api), { policy: new EgressPolicy({ allowLoopback: true, resolve: testResolver() }) })
const registry = (branch: string): SingleSourceRegistry => ({
  apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name: branch, namespace: 'bench' },
  spec: { source: { type: 'git', git: { repository: env('GIT_URL'), branch, caCertRef: { name: 'ca', key: 'ca.crt' }, auth: { username: 'bot', passwordSecretRef: { name: 'git', key: 'password' } } } } },
}) as SingleSourceRegistry

await handler.sync(registry('warm'), AbortSignal.timeout(120_000))
global.gc?.()
const before = process.memoryUsage().rss
const t0 = performance.now()
const result = await handler.sync(registry(env('GIT_BRANCH')), AbortSignal.timeout(300_000))
const ms = performance.now() - t0
const peak = process.resourceUsage().maxRSS * 1024
console.log(JSON.stringify({ peakGrowthBytes: Math.max(0, peak - before), ms: Math.round(ms), servers: result.serverCount }))
