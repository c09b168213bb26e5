// Installs config/crd/bases/*.yaml as raw JSON. Why not the plane's installCrds: it sends the YAML through
// client-node's typed ApiextensionsV1Api, whose serializer only knows camelCase model fields, so `enum`
// (`_enum` in the model) and every `x-kubernetes-*` key (CEL rules, list types) are silently dropped.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pollUntil } from '@thv/control-plane'
import { httpStatusOf, type KubeClient } from '@thv/k8s-reconcile'
import { parseAllDocuments } from 'yaml'

/** config/crd/bases of this repository. */
export const CrdDir = fileURLToPath(new URL('../../../config/crd/bases', import.meta.url))

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions'

/** Creates or replaces every CRD in `dir` byte-faithfully and waits until each is Established. */
export async function installCrdsRaw(client: KubeClient, dir: string = CrdDir): Promise<string[]> {
  const names: string[] = []
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const crd = doc.toJS() as { kind?: string; metadata: { name: string; resourceVersion?: string } }
      if (crd?.kind !== 'CustomResourceDefinition') continue
      const name = crd.metadata.name
      try {
        const current = await client.request<{ metadata: { resourceVersion: string } }>('GET', `${CRD_PATH}/${name}`)
        await client.request('PUT', `${CRD_PATH}/${name}`, { body: { ...crd, metadata: { ...crd.metadata, resourceVersion: current.metadata.resourceVersion } } })
      } catch (err) {
        if (httpStatusOf(err) !== 404) throw err
        await client.request('POST', CRD_PATH, { body: crd })
      }
      await pollUntil(async () => {
        const c = await client.request<{ status?: { conditions?: Array<{ type: string; status: string }> } }>('GET', `${CRD_PATH}/${name}`)
        return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') ? true : undefined
      }, { description: `CRD ${name} Established`, timeoutMs: 30_000 })
      names.push(name)
    }
  }
  return names
}

/**
 * Installs the MCPRegistry CRD raw and waits until admission enforces its CEL rules (the API server swaps the
 * validators asynchronously after a CRD update).
 */
export async function ensureMcpRegistryCrd(client: KubeClient, namespace: string): Promise<void> {
  await installCrdsRaw(client)
  await pollUntil(async () => {
    try {
      await client.request('POST', `/apis/toolhive.stacklok.dev/v1alpha1/namespaces/${namespace}/mcpregistries`, {
        body: { apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name: 'crd-probe', namespace }, spec: { source: { type: 'configmap' } } },
        query: { dryRun: 'All' },
      })
      return undefined
    } catch (err) {
      if (httpStatusOf(err) === 422) return true
      throw err
    }
  }, { description: 'MCPRegistry CEL validation enforced', timeoutMs: 30_000 })
}
