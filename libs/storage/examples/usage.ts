// Usage example of @thv/storage, compiled by `npm run typecheck` and pasted into the README.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import type { MCPRegistry, RegistrySnapshot } from '@thv/registry-model'
import { ConfigMapStorageManager, storageReaderPolicyRules } from '@thv/storage'
import { KubeHttp, loadKubeCredentials } from '@thv/kube-calls/http'
import { kubeHttpConfigMapReads, watchStoredSnapshot } from '@thv/storage/reader'

export async function operatorSide(kubeConfig: KubeConfig, registry: MCPRegistry, snapshot: RegistrySnapshot, signal: AbortSignal) {
  const storage = new ConfigMapStorageManager(kubeConfig.makeApiClient(CoreV1Api), { limits: { maxStoredBytes: 16 * 1024 * 1024 } })
  const { ref: storageRef } = await storage.store(registry, snapshot, signal) // no API write when snapshot.hash is already stored
  const apiRole = { metadata: { name: `${registry.metadata.name}-registry-api` }, rules: storageReaderPolicyRules(registry.metadata.name, storage.limits) }
  return { storageRef, apiRole }
}

// The read side needs no @kubernetes/client-node: in a pod, loadKubeCredentials finds the mounted ServiceAccount.
export function apiSide(serve: (s: RegistrySnapshot) => void, signal: AbortSignal): Promise<void> {
  const credentials = loadKubeCredentials()
  if (credentials.kind === 'unsupported') throw new Error(`${credentials.from}: ${credentials.reason}`)
  return watchStoredSnapshot({
    reads: kubeHttpConfigMapReads(new KubeHttp(credentials.credentials)), namespace: 'toolhive-system', registryName: 'production', signal,
    onSnapshot: serve, // each new complete snapshot, never a partial one
    onError: (err) => console.error('Could not load the stored snapshot', err), // the last good one stays served
  })
}
