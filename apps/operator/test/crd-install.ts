// Installs CRDs for the operator tests through the shared control plane, which applies them as raw JSON so
// `enum` and the CEL rules (`x-kubernetes-validations`) reach the API server intact.
import { fileURLToPath } from 'node:url'
import { getTestControlPlane } from '@thv/control-plane'
import { eventually, notYet } from '@thv/testkit'
import { httpStatusOf, type KubeClient } from '@thv/k8s-reconcile'

/** config/crd/bases of this repository. */
export const CrdDir = fileURLToPath(new URL('../../../config/crd/bases', import.meta.url))

/** Installs (server-side applies) every CRD in `dir` and waits until each is served. */
export async function installCrds(dir: string = CrdDir): Promise<string[]> {
  return (await getTestControlPlane()).installCrds(dir)
}

/**
 * Installs the MCPRegistry CRD and waits until admission enforces its CEL rules (the API server swaps the
 * validators asynchronously after a CRD update).
 */
export async function ensureMcpRegistryCrd(client: KubeClient, namespace: string): Promise<void> {
  await installCrds()
  await eventually(async () => {
    try {
      await client.request('POST', `/apis/toolhive.stacklok.dev/v1alpha1/namespaces/${namespace}/mcpregistries`, {
        body: { apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name: 'crd-probe', namespace }, spec: { source: { type: 'configmap' } } },
        query: { dryRun: 'All' },
      })
      return notYet('a dry-run create refused with 422')
    } catch (err) {
      if (httpStatusOf(err) === 422) return true
      throw err
    }
  }, { description: 'MCPRegistry CEL validation enforced', timeoutMs: 30_000 })
}
