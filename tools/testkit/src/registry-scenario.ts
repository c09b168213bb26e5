/** A scenario's starting point: a fresh namespace, a source ConfigMap, a Ready MCPRegistry over it, and its API. */
import type { ApiHandle } from './api-process.js'
import { applyRegistry, applySourceConfigMap, waitForRegistryReady } from './registry-resources.js'
import type { E2ESystem } from './system.js'

/** What {@link startRegistryScenario} set up. */
export interface RegistryScenario {
  readonly namespace: string
  readonly api: ApiHandle
}

/**
 * Creates namespace `<prefix>-<random>` with ConfigMap `registry-data` holding `data`, MCPRegistry `name` reading
 * it, waits until the registry is Ready (90 s deadline) and starts its API from its Deployment.
 */
export async function startRegistryScenario(sys: E2ESystem, prefix: string, name: string, data: string): Promise<RegistryScenario> {
  const namespace = await sys.createNamespace(prefix)
  await applySourceConfigMap(sys.kc, namespace, 'registry-data', data)
  await applyRegistry(sys.kc, namespace, name, { source: { type: 'configmap', configmap: { name: 'registry-data' } } })
  await waitForRegistryReady(sys.kc, namespace, name, { timeoutMs: 90_000 })
  return { namespace, api: await sys.startApi(namespace, name) }
}
