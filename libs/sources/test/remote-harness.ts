// Test helpers of @thv/sources remote handlers: in-memory MCPRegistry objects and Secrets on the test control plane.
import type { MCPRegistrySource, MCPRegistrySpec, SingleSourceRegistry } from '@thv/registry-model'
import type { SourceFixture } from './harness.js'

/** An MCPRegistry object (not created in the cluster: handlers read only Secrets and ConfigMaps). */
export function registryObject(f: SourceFixture, name: string, spec: MCPRegistrySpec & { source: MCPRegistrySource }): SingleSourceRegistry {
  return { apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name, namespace: f.namespace, uid: `uid-${name}` }, spec } as SingleSourceRegistry
}

/** Creates Secret `name` with string data. */
export async function putSecret(f: SourceFixture, name: string, data: Record<string, string>): Promise<void> {
  await f.core.createNamespacedSecret({ namespace: f.namespace, body: { metadata: { name, namespace: f.namespace }, stringData: data } })
}
