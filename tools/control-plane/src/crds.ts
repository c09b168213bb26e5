import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ApiextensionsV1Api, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node'
import { parseAllDocuments } from 'yaml'
import { apiGet, apiRequest, type ApiEndpoint } from './api-http.js'
import { eventually, notYet } from '@thv/testkit'

/** Reads every CustomResourceDefinition from the `.yaml`/`.yml`/`.json` files directly in `dir` (sorted by name). */
export function readCrdFiles(dir: string): V1CustomResourceDefinition[] {
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
  const crds: V1CustomResourceDefinition[] = []
  for (const file of files) {
    const path = join(dir, file)
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`Invalid YAML in ${path}: ${doc.errors[0]?.message}`, { cause: doc.errors[0] })
      const value = doc.toJS() as { kind?: unknown } | null
      if (value && value.kind === 'CustomResourceDefinition') crds.push(value as V1CustomResourceDefinition)
    }
  }
  return crds
}

/** Field manager of the CRDs this harness installs. */
export const CrdFieldManager = 'thv-control-plane'

/**
 * Server-side applies the CRDs (created or updated in one call) and waits until each is Established and every served version lists the plural
 * in discovery (`/apis/<group>/<version>`): only then do clients, informers and RESTMappers find the kind.
 */
export async function installCrds(
  kc: KubeConfig,
  endpoint: ApiEndpoint,
  crds: readonly V1CustomResourceDefinition[],
  timeoutMs: number,
): Promise<string[]> {
  const api = kc.makeApiClient(ApiextensionsV1Api)
  for (const crd of crds) {
    const name = crd.metadata?.name
    if (!name) throw new Error('CustomResourceDefinition without metadata.name')
    // Raw JSON, not ApiextensionsV1Api.create: client-node's serializer knows only its camelCase model fields and
    // silently drops `enum` and every `x-kubernetes-*` key (CEL rules, list types), installing a CRD without its
    // validation. JSON is valid YAML, so it can be the apply-patch body as it is.
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}?fieldManager=${CrdFieldManager}&force=true`
    const res = await apiRequest(endpoint, 'PATCH', path, { contentType: 'application/apply-patch+yaml', text: JSON.stringify(crd) })
    if (res.status < 200 || res.status >= 300) throw new Error(`Cannot apply CRD ${name}: HTTP ${res.status} ${res.body.slice(0, 500)}`)
  }
  for (const crd of crds) {
    const name = crd.metadata?.name as string
    await eventually(
      async () => {
        const current = await api.readCustomResourceDefinition({ name })
        const established = current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
        return established ? true : notYet()
      },
      { description: `CRD ${name} Established`, timeoutMs },
    )
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const path = `/apis/${crd.spec.group}/${version.name}`
      await eventually(
        async () => {
          const res = await apiGet(endpoint, path)
          if (res.status !== 200) return notYet()
          const list = JSON.parse(res.body) as { resources?: { name: string }[] }
          return list.resources?.some((r) => r.name === crd.spec.names.plural) ? true : notYet()
        },
        { description: `${crd.spec.names.plural} in discovery ${path}`, timeoutMs },
      )
    }
  }
  return crds.map((c) => c.metadata?.name as string)
}
