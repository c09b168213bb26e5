/**
 * Merging `spec.podTemplateSpec` over the generated registry API pod template, the way a strategic merge patch
 * would: maps merge recursively, scalars and plain lists are replaced, lists with a merge key (containers by
 * name, env by name, volumeMounts by mountPath, ...) merge item by item, and `null` removes a field.
 */
import type { V1PodTemplateSpec } from '@kubernetes/client-node'

/** Result of {@link mergePodTemplate}. */
export type PodTemplateMerge =
  | { readonly ok: true; readonly template: V1PodTemplateSpec; readonly weakened: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] }

type Json = Record<string, unknown>

/** Merge keys of the keyed lists, by the path of the list (containers' own lists share one entry each). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  'spec.containers': 'name',
  'spec.initContainers': 'name',
  'spec.volumes': 'name',
  'spec.imagePullSecrets': 'name',
  'spec.topologySpreadConstraints': 'topologyKey',
  'spec.hostAliases': 'ip',
  'container.env': 'name',
  'container.volumeMounts': 'mountPath',
  'container.ports': 'containerPort',
}

const isObject = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u)

/** The key under which a path's list merges (`spec.containers[2].env` → `container.env`). */
function keyedListPath(path: string): string {
  return path.replace(/^spec\.(initContainers|containers)\[[^\]]*\]\./, 'container.')
}

/**
 * Checks the parts of the template that the merge relies on (objects where maps are expected, keyed list
 * items with their key); field names and value types beyond that are checked by the API server.
 */
function shapeProblems(template: Json): string[] {
  const problems: string[] = []
  const where = (p: string) => `spec.podTemplateSpec.${p}`
  const mapOf = (value: unknown, path: string, strings: boolean) => {
    if (value === undefined || value === null) return
    if (!isObject(value)) problems.push(`${where(path)}: must be an object`)
    else if (strings) for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') problems.push(`${where(`${path}.${k}`)}: must be a string`)
  }
  const keyedList = (value: unknown, path: string) => {
    if (value === undefined || value === null) return
    if (!Array.isArray(value)) { problems.push(`${where(path)}: must be a list`); return }
    const key = MERGE_KEYS[keyedListPath(path)] ?? 'name'
    value.forEach((item, i) => {
      if (!isObject(item)) problems.push(`${where(`${path}[${i}]`)}: must be an object`)
      else if (item[key] === undefined || item[key] === null || item[key] === '') problems.push(`${where(`${path}[${i}].${key}`)}: is required`)
      else if (key === 'containerPort' ? typeof item[key] !== 'number' : typeof item[key] !== 'string') {
        problems.push(`${where(`${path}[${i}].${key}`)}: must be a ${key === 'containerPort' ? 'number' : 'string'}`)
      }
    })
  }
  for (const k of Object.keys(template)) if (k !== 'metadata' && k !== 'spec') problems.push(`${where(k)}: unknown field (a pod template has metadata and spec)`)
  mapOf(template['metadata'], 'metadata', false)
  const metadata = isObject(template['metadata']) ? template['metadata'] : {}
  mapOf(metadata['labels'], 'metadata.labels', true)
  mapOf(metadata['annotations'], 'metadata.annotations', true)
  mapOf(template['spec'], 'spec', false)
  const spec = isObject(template['spec']) ? template['spec'] : {}
  for (const list of ['volumes', 'imagePullSecrets', 'topologySpreadConstraints', 'hostAliases']) keyedList(spec[list], `spec.${list}`)
  mapOf(spec['nodeSelector'], 'spec.nodeSelector', true)
  for (const m of ['securityContext', 'affinity']) mapOf(spec[m], `spec.${m}`, false)
  for (const group of ['containers', 'initContainers']) {
    keyedList(spec[group], `spec.${group}`)
    if (!Array.isArray(spec[group])) continue
    spec[group].forEach((c: unknown) => {
      if (!isObject(c) || typeof c['name'] !== 'string') return
      const base = `spec.${group}[${c['name']}]`
      for (const list of ['env', 'volumeMounts', 'ports']) keyedList(c[list], `${base}.${list}`)
      for (const m of ['resources', 'securityContext']) mapOf(c[m], `${base}.${m}`, false)
    })
  }
  return problems
}

/** Merges `patch` over `base` at `path` (see the module comment). */
function mergeValue(base: unknown, patch: unknown, path: string): unknown {
  if (patch === null) return undefined
  if (isObject(base) && isObject(patch)) {
    const out: Json = { ...base }
    for (const [k, v] of Object.entries(patch)) {
      const merged = mergeValue(base[k], v, path === '' ? k : `${path}.${k}`)
      if (merged === undefined) delete out[k]
      else out[k] = merged
    }
    return out
  }
  const key = MERGE_KEYS[keyedListPath(path)]
  if (key !== undefined && Array.isArray(base) && Array.isArray(patch)) {
    const out = [...base] as Json[]
    for (const item of patch as Json[]) {
      const i = out.findIndex((b) => b[key] === item[key])
      const itemPath = `${path}[${String(item[key])}]`
      if (i < 0) out.push(mergeValue({}, item, itemPath) as Json)
      else out[i] = mergeValue(out[i], item, itemPath) as Json
    }
    return out
  }
  return structuredClone(patch)
}

/**
 * The hardening settings of the generated pod that the merged template no longer has, as paths
 * (`containers[registry-api].securityContext.readOnlyRootFilesystem=false`). Empty when nothing was weakened.
 */
export function weakenedHardening(template: V1PodTemplateSpec, containerName: string): string[] {
  const out: string[] = []
  const pod = template.spec?.securityContext
  if (pod?.runAsNonRoot !== true) out.push(`securityContext.runAsNonRoot=${String(pod?.runAsNonRoot)}`)
  if (pod?.runAsUser === 0) out.push('securityContext.runAsUser=0')
  if (pod?.seccompProfile?.type !== 'RuntimeDefault' && pod?.seccompProfile?.type !== 'Localhost') out.push(`securityContext.seccompProfile.type=${String(pod?.seccompProfile?.type)}`)
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (template.spec?.[host] === true) out.push(`${host}=true`)
  const container = template.spec?.containers.find((c) => c.name === containerName)
  const sc = container?.securityContext
  const at = `containers[${containerName}].securityContext`
  if (sc?.runAsNonRoot === false) out.push(`${at}.runAsNonRoot=false`)
  if (sc?.runAsUser === 0) out.push(`${at}.runAsUser=0`)
  if (sc?.privileged === true) out.push(`${at}.privileged=true`)
  if (sc?.allowPrivilegeEscalation !== false) out.push(`${at}.allowPrivilegeEscalation=${String(sc?.allowPrivilegeEscalation)}`)
  if (sc?.readOnlyRootFilesystem !== true) out.push(`${at}.readOnlyRootFilesystem=${String(sc?.readOnlyRootFilesystem)}`)
  if (!(sc?.capabilities?.drop ?? []).includes('ALL')) out.push(`${at}.capabilities.drop lacks ALL`)
  if ((sc?.capabilities?.add ?? []).length > 0) out.push(`${at}.capabilities.add=${(sc?.capabilities?.add ?? []).join(',')}`)
  if (sc?.seccompProfile?.type === 'Unconfined') out.push(`${at}.seccompProfile.type=Unconfined`)
  return out
}

/**
 * Merges the user's raw pod template over the generated one. The generated `protectedLabels` (the Deployment's
 * selector) always win so the template keeps matching. Returns the problems instead when the template's shape
 * cannot be merged (the caller then leaves the running Deployment as it is), and otherwise the hardening
 * settings the template weakened (for a Warning Event).
 */
export function mergePodTemplate(
  generated: V1PodTemplateSpec,
  user: Readonly<Record<string, unknown>> | undefined,
  containerName: string,
  protectedLabels: Readonly<Record<string, string>>,
): PodTemplateMerge {
  if (user === undefined) return { ok: true, template: generated, weakened: [] }
  const problems = shapeProblems(user)
  if (problems.length > 0) return { ok: false, problems }
  const merged = mergeValue(structuredClone(generated), user, '') as V1PodTemplateSpec
  merged.metadata = { ...merged.metadata, labels: { ...merged.metadata?.labels, ...protectedLabels } }
  return { ok: true, template: merged, weakened: weakenedHardening(merged, containerName) }
}
