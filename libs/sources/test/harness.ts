// Test harness for @thv/sources integration tests: a namespace, a source ConfigMap and an MCPRegistry reading it.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import type { MCPRegistrySource, MCPRegistrySpec, SingleSourceRegistry } from '@thv/registry-model'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** Raw bytes of a shared fixture (`$THV_SHARED_DIR/fixtures`, else `testdata/fixtures` in the repository). */
export function readFixtureBytes(name: string): Buffer {
  const dir = join(process.env['THV_SHARED_DIR'] ?? join(REPO_ROOT, 'testdata'), 'fixtures')
  if (!existsSync(dir)) throw new Error(`No shared fixtures at ${dir} (set THV_SHARED_DIR)`)
  return readFileSync(join(dir, name))
}

/** A fresh namespace and admin clients. */
export interface SourceFixture {
  readonly kubeConfig: KubeConfig
  readonly core: CoreV1Api
  readonly namespace: string
}

/** Creates a fresh namespace on the test control plane. */
export async function createSourceFixture(prefix: string): Promise<SourceFixture> {
  const kubeConfig = (await getTestControlPlane()).kubeConfig()
  const namespace = await createTestNamespace(prefix)
  return { kubeConfig, core: kubeConfig.makeApiClient(CoreV1Api), namespace }
}

/** Creates (or replaces) ConfigMap `name` with the given data/binaryData. */
export async function putConfigMap(f: SourceFixture, name: string, content: Pick<V1ConfigMap, 'data' | 'binaryData'>): Promise<void> {
  const body: V1ConfigMap = { metadata: { name, namespace: f.namespace }, ...content }
  try {
    await f.core.createNamespacedConfigMap({ namespace: f.namespace, body })
  } catch {
    await f.core.replaceNamespacedConfigMap({ namespace: f.namespace, name, body })
  }
}

/** Creates MCPRegistry `name` with `spec` and returns it as read back from the API server. */
export async function createRegistry(f: SourceFixture, name: string, spec: MCPRegistrySpec & { source: MCPRegistrySource }): Promise<SingleSourceRegistry> {
  const custom = f.kubeConfig.makeApiClient(CustomObjectsApi)
  return (await custom.createNamespacedCustomObject({
    group: 'toolhive.stacklok.dev',
    version: 'v1alpha1',
    plural: 'mcpregistries',
    namespace: f.namespace,
    body: { apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name, namespace: f.namespace }, spec },
  })) as SingleSourceRegistry
}

/** A signal that aborts after `ms` (default 60 s). */
export function testSignal(ms = 60_000): AbortSignal {
  return AbortSignal.timeout(ms)
}
