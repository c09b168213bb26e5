// Test harness for @thv/storage integration tests: a fresh namespace with a real MCPRegistry to own the storage.
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import type { MCPRegistry } from '@thv/registry-model'

/** A namespace with one MCPRegistry and admin clients. */
export interface StorageFixture {
  readonly kubeConfig: KubeConfig
  readonly core: CoreV1Api
  readonly namespace: string
  readonly registry: MCPRegistry
}

/** Creates a fresh namespace holding MCPRegistry `name` (the owner of the storage ConfigMaps). */
export async function createStorageFixture(prefix: string, name = 'demo'): Promise<StorageFixture> {
  const plane = await getTestControlPlane()
  const kubeConfig = plane.kubeConfig()
  const namespace = await createTestNamespace(prefix)
  const custom = kubeConfig.makeApiClient(CustomObjectsApi)
  const registry = (await custom.createNamespacedCustomObject({
    group: 'toolhive.stacklok.dev',
    version: 'v1alpha1',
    plural: 'mcpregistries',
    namespace,
    body: {
      apiVersion: 'toolhive.stacklok.dev/v1alpha1',
      kind: 'MCPRegistry',
      metadata: { name, namespace },
      spec: { source: { type: 'configmap', configmap: { name: 'registry-data' } } },
    },
  })) as MCPRegistry
  return { kubeConfig, core: kubeConfig.makeApiClient(CoreV1Api), namespace, registry }
}

/** Every ConfigMap of the fixture's namespace except kube-root-ca.crt, sorted by name. */
export async function storageConfigMaps(f: StorageFixture): Promise<V1ConfigMap[]> {
  const list = await f.core.listNamespacedConfigMap({ namespace: f.namespace })
  return list.items
    .filter((cm) => cm.metadata?.name !== 'kube-root-ca.crt')
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
}

/** Names and resourceVersions of the storage ConfigMaps: a fingerprint proving "unchanged". */
export async function storageFingerprint(f: StorageFixture): Promise<Array<[string, string]>> {
  return (await storageConfigMaps(f)).map((cm) => [cm.metadata?.name ?? '', cm.metadata?.resourceVersion ?? ''])
}

/** A signal that aborts after `ms` (default 60 s) so a stuck test call fails instead of hanging. */
export function testSignal(ms = 60_000): AbortSignal {
  return AbortSignal.timeout(ms)
}
