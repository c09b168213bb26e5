/**
 * The ConfigMap calls of cluster mode, made over plain HTTPS (@thv/kube-calls/http): importing @kubernetes/client-node
 * alone adds about 30 MiB of V8 heap and 75 MiB of RSS, which is more than a registry of 10,000 servers costs. Only a
 * kubeconfig this loader cannot use (an exec plugin, an auth provider, several KUBECONFIG files) loads client-node,
 * from storage-reads.client-node.ts. `main.ts` imports this module only in cluster mode (ADR 0017).
 */
import { KubeHttp, loadKubeCredentials } from '@thv/kube-calls/http'
import { kubeHttpConfigMapReads, type ConfigMapReads } from '@thv/storage/reader'
import type { Logger } from 'winston'

/** The storage reads with the credentials of `kubeconfig` (else the default search); logs which client is used and why. */
export async function configMapReadsFor(kubeconfig: string | undefined, log: Logger): Promise<ConfigMapReads> {
  const found = loadKubeCredentials({ kubeconfig })
  if (found.kind === 'loaded') {
    log.info('Reading the storage ConfigMaps', { client: 'https', credentials: found.from, server: new URL(found.credentials.server).origin })
    return kubeHttpConfigMapReads(new KubeHttp(found.credentials))
  }
  log.info('Reading the storage ConfigMaps with @kubernetes/client-node', { client: 'client-node', credentials: found.from, reason: found.reason })
  const { clientNodeReadsFor } = await import('./storage-reads.client-node.js')
  return clientNodeReadsFor(kubeconfig)
}
