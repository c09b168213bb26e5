/** The storage reads through @kubernetes/client-node, for a kubeconfig the plain HTTPS loader cannot use (ADR 0017). */
import { KubeConfig } from '@kubernetes/client-node'
import { clientNodeConfigMapReads, type ConfigMapReads } from '@thv/storage'

/** Reads with `kubeconfig`, else client-node's default search (KUBECONFIG, ~/.kube/config, in-cluster). */
export function clientNodeReadsFor(kubeconfig: string | undefined): ConfigMapReads {
  const kc = new KubeConfig()
  if (kubeconfig !== undefined) kc.loadFromFile(kubeconfig)
  else kc.loadFromDefault()
  return clientNodeConfigMapReads(kc)
}
