/**
 * Runs the registry API for one MCPRegistry the way its pod would run: the args and ServiceAccount the operator put
 * into Deployment `<name>-api`, the local binary instead of the image, and a kubelet stand-in that stops the process
 * when the Deployment disappears.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { KubeConfig, V1ConfigMap, V1Deployment, V1Secret, V1VolumeProjection } from '@kubernetes/client-node'
import { eventually } from './poll.js'
import { freePort } from './free-ports.js'
import { ManagedProcess } from './managed-process.js'
import { readIfExists } from './manifests.js'
import { REPO_ROOT } from './paths.js'
import { withoutFlags } from './process-args.js'

/** Writes a kubeconfig holding a real token of ServiceAccount `namespace/name` and returns its path. */
export type ServiceAccountKubeconfigWriter = (namespace: string, name: string) => Promise<string>

/** How the operator's Deployment says the API runs. */
export interface ApiDeploymentSpec {
  readonly serviceAccountName: string
  readonly args: readonly string[]
  /** Literal `env` entries of the container (valueFrom entries are ignored). */
  readonly env: Readonly<Record<string, string>>
  /** The container's mounts of projected volumes (ConfigMap and Secret keys as files), which the stand-in writes out. */
  readonly projectedMounts: readonly { readonly mountPath: string; readonly sources: readonly V1VolumeProjection[] }[]
}

/** Name of the API Deployment of a registry: `<registry>-api`, as the operator names it. */
export function apiDeploymentName(registryName: string): string {
  return `${registryName}-api`
}

/** Reads the API container of Deployment `<name>-api`, or undefined while it does not exist. */
export async function readApiDeployment(kc: KubeConfig, namespace: string, registryName: string): Promise<ApiDeploymentSpec | undefined> {
  const d = await readIfExists<V1Deployment & { apiVersion: string; kind: string }>(kc, {
    apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: apiDeploymentName(registryName),
  })
  if (!d) return undefined
  const pod = d.spec?.template.spec
  const container = pod?.containers.find((c) => c.name === 'registry-api') ?? pod?.containers[0]
  if (!pod || !container) throw new Error(`Deployment ${namespace}/${apiDeploymentName(registryName)} has no container`)
  const env: Record<string, string> = {}
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value
  const projectedMounts = (container.volumeMounts ?? []).flatMap((m) => {
    const sources = pod.volumes?.find((v) => v.name === m.name)?.projected?.sources
    return sources === undefined ? [] : [{ mountPath: m.mountPath, sources }]
  })
  return { serviceAccountName: pod.serviceAccountName ?? 'default', args: container.args ?? [], env, projectedMounts }
}

/**
 * Kubelet stand-in for projected volumes: writes each ConfigMap and Secret item below `root` + the mount path. The
 * process has no mount namespace, so the mount path is relocated: in the returned args and in the text of the
 * ConfigMap files (a settings file naming its sibling files). Returns the args with the mount paths relocated.
 */
async function materializeMounts(kc: KubeConfig, namespace: string, spec: ApiDeploymentSpec, root: string): Promise<string[]> {
  let args = [...spec.args]
  for (const mount of spec.projectedMounts) {
    const local = join(root, mount.mountPath)
    const relocate = (text: string) => text.split(mount.mountPath).join(local)
    for (const source of mount.sources) {
      const ref = source.configMap ?? source.secret
      if (ref?.name === undefined) continue
      const kind = source.configMap !== undefined ? 'ConfigMap' : 'Secret'
      const obj = await readIfExists<(V1ConfigMap | V1Secret) & { apiVersion: string; kind: string }>(kc, { apiVersion: 'v1', kind, namespace, name: ref.name })
      if (!obj) throw new Error(`${kind} ${namespace}/${ref.name} mounted by the API does not exist`)
      for (const item of ref.items ?? []) {
        const value = kind === 'ConfigMap' ? relocate((obj as V1ConfigMap).data?.[item.key] ?? '') : Buffer.from((obj as V1Secret).data?.[item.key] ?? '', 'base64').toString('utf8')
        const file = join(local, item.path)
        mkdirSync(dirname(file), { recursive: true })
        writeFileSync(file, value, { mode: 0o600 })
      }
    }
    args = args.map(relocate)
  }
  return args
}

/** A running API process for one registry. */
export interface ApiHandle {
  readonly process: ManagedProcess
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string
  readonly spec: ApiDeploymentSpec
  /** Stops the process and the Deployment watcher. */
  stop(): Promise<void>
}

/** Options of {@link startApiForRegistry}. */
export interface StartApiOptions {
  /** Admin client, used only to read the Deployment (the API itself gets the ServiceAccount token). */
  readonly kc: KubeConfig
  readonly namespace: string
  readonly registryName: string
  readonly writeServiceAccountKubeconfig: ServiceAccountKubeconfigWriter
  readonly logDir: string
  /** Port to listen on; default a free one. */
  readonly port?: number
  /** Deadline for the Deployment to appear and for the API to answer `/readiness`; default 60 s. */
  readonly timeoutMs?: number
}

/**
 * Waits for the registry's API Deployment, starts the local API with its args and ServiceAccount on 127.0.0.1, and
 * waits until `/readiness` answers 200 (a snapshot is loaded). The process is stopped (as a kubelet would) once the Deployment is deleted.
 */
export async function startApiForRegistry(opts: StartApiOptions): Promise<ApiHandle> {
  const timeoutMs = opts.timeoutMs ?? 60_000
  const spec = await eventually(async () => {
    const s = await readApiDeployment(opts.kc, opts.namespace, opts.registryName)
    if (!s) throw new Error(`Deployment ${opts.namespace}/${apiDeploymentName(opts.registryName)} does not exist`)
    return s
  }, { timeoutMs, intervalMs: 200 })
  const kubeconfig = await opts.writeServiceAccountKubeconfig(opts.namespace, spec.serviceAccountName)
  const port = opts.port ?? (await freePort())
  const podArgs = await materializeMounts(opts.kc, opts.namespace, spec, join(opts.logDir, `mounts-${opts.namespace}-${opts.registryName}-${port}`))
  const args = [
    '--conditions=@thv/source', '--import', 'tsx', 'apps/registry-api/src/main.ts',
    ...withoutFlags(podArgs, ['--port', '--host', '--kubeconfig']),
    '--host', '127.0.0.1', '--port', String(port),
  ]
  const proc = ManagedProcess.start({
    name: `registry-api ${opts.namespace}/${opts.registryName}`, command: process.execPath, args, cwd: REPO_ROOT,
    env: { ...process.env, ...spec.env, KUBECONFIG: kubeconfig, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    logPath: join(opts.logDir, `api-${opts.namespace}-${opts.registryName}-${port}.log`),
  })
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await eventually(async () => {
      if (!proc.isRunning) throw new Error(`registry API exited (${String(proc.exitStatus)})`)
      const res = await fetch(`${baseUrl}/readiness`, { signal: AbortSignal.timeout(2_000) })
      if (res.status !== 200) throw new Error(`/readiness answered ${res.status}`)
    }, { timeoutMs, intervalMs: 200 })
  } catch (err) {
    const tail = proc.logTail()
    await proc.stop(2_000)
    throw new Error(`Registry API did not start: ${(err as Error).message}\n--- API log ---\n${tail}`, { cause: err })
  }
  // Kubelet stand-in: when the Deployment is gone, its pod would be gone too.
  const watcher = setInterval(() => {
    readApiDeployment(opts.kc, opts.namespace, opts.registryName).then(
      (s) => { if (!s) void proc.stop() },
      () => undefined, // API server briefly unavailable: the pod keeps running, as it would in a cluster
    )
  }, 500)
  void proc.exited.then(() => clearInterval(watcher))
  return {
    process: proc, baseUrl, spec,
    async stop() {
      clearInterval(watcher)
      await proc.stop()
    },
  }
}
