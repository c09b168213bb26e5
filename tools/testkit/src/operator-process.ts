/** Runs the operator from source as a separate process, authenticated as the ServiceAccount of config/rbac. */
import { join } from 'node:path'
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node'
import { eventually } from './poll.js'
import { freePort } from './free-ports.js'
import { ManagedProcess } from './managed-process.js'
import { REPO_ROOT } from './paths.js'
import { withoutFlags } from './process-args.js'

/** What the rendered operator Deployment (config/manager via config/default) says about how to run it. */
export interface OperatorDeploymentInfo {
  readonly namespace: string
  readonly deploymentName: string
  readonly serviceAccountName: string
  /** The manager container's `args`. */
  readonly args: readonly string[]
  /**
   * The manager container's `env`: literal values, and downward-API `fieldRef`s resolved as the kubelet would
   * (`metadata.namespace` -> the namespace, `metadata.name` -> a pod-like name). Other `valueFrom`s are dropped.
   */
  readonly env: Readonly<Record<string, string>>
}

/** Finds the single operator Deployment in rendered manifests and reads its namespace, ServiceAccount and args. */
export function findOperatorDeployment(objects: readonly KubernetesObject[]): OperatorDeploymentInfo {
  const deployments = objects.filter((o): o is V1Deployment & KubernetesObject => o.kind === 'Deployment')
  if (deployments.length !== 1) throw new Error(`Expected exactly one Deployment in config/default, found ${deployments.length}`)
  const d = deployments[0] as V1Deployment
  const pod = d.spec?.template.spec
  const container = pod?.containers[0]
  if (!d.metadata?.namespace || !d.metadata.name || !pod?.serviceAccountName || !container) {
    throw new Error(`Operator Deployment lacks namespace, name, serviceAccountName or a container: ${JSON.stringify(d.metadata)}`)
  }
  const env: Record<string, string> = {}
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = d.metadata.namespace
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = `${d.metadata.name}-e2e`
  }
  return { namespace: d.metadata.namespace, deploymentName: d.metadata.name, serviceAccountName: pod.serviceAccountName, args: container.args ?? [], env }
}

/**
 * How the operator process runs: `source` runs the TypeScript sources through tsx, as `npm run operator` does (no
 * build step, so e2e tests see every edit); `compiled` runs the JavaScript that the container image runs,
 * `node apps/operator/dist/main.js` (build it first with `buildOperator`), for figures about what ships: tsx's loader
 * thread, transpiler and source maps add tens of MiB of memory.
 */
export type OperatorRuntime = 'source' | 'compiled'

/** The command line of the operator: what `npm run operator -- <args>` runs, or the image's entrypoint. */
export function operatorCommand(args: readonly string[], runtime: OperatorRuntime = 'source'): { command: string; args: string[] } {
  if (runtime === 'compiled') return { command: process.execPath, args: ['apps/operator/dist/main.js', ...args] }
  return { command: process.execPath, args: ['--conditions=@thv/source', '--import', 'tsx', 'apps/operator/src/main.ts', ...args] }
}

/** A running operator process with its probe endpoints. */
export interface OperatorHandle {
  readonly process: ManagedProcess
  /** `http://127.0.0.1:<port>` of `--health-probe-bind-address`. */
  readonly healthUrl: string
  /** `http://127.0.0.1:<port>` of `--metrics-bind-address`. */
  readonly metricsUrl: string
}

/** Options of {@link startOperatorProcess}. */
export interface StartOperatorOptions {
  /** Kubeconfig the operator authenticates with. */
  readonly kubeconfigPath: string
  /** Flags from the Deployment (bind addresses and --kubeconfig are replaced). */
  readonly args: readonly string[]
  readonly logDir: string
  /** Extra environment for the child. */
  readonly env?: Readonly<Record<string, string>>
  /** How long to wait for `/readyz`; default 60 s. */
  readonly readyTimeoutMs?: number
  /** Sources through tsx (default) or the compiled image build. */
  readonly runtime?: OperatorRuntime
}

let started = 0

/**
 * Starts the operator with the given args on free loopback ports for metrics and probes, and waits until
 * `/readyz` answers 200. Throws with the log tail when it exits or does not get ready.
 */
export async function startOperatorProcess(opts: StartOperatorOptions): Promise<OperatorHandle> {
  const [metricsPort, healthPort] = [await freePort(), await freePort()]
  const args = [
    ...withoutFlags(opts.args, ['--kubeconfig', '--metrics-bind-address', '--health-probe-bind-address']),
    '--kubeconfig', opts.kubeconfigPath,
    '--metrics-bind-address', `127.0.0.1:${metricsPort}`,
    '--health-probe-bind-address', `127.0.0.1:${healthPort}`,
  ]
  const cmd = operatorCommand(args, opts.runtime)
  started += 1
  const proc = ManagedProcess.start({
    name: 'operator', command: cmd.command, args: cmd.args, cwd: REPO_ROOT,
    env: { ...process.env, KUBECONFIG: opts.kubeconfigPath, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...opts.env },
    logPath: join(opts.logDir, `operator-${started}.log`),
  })
  const healthUrl = `http://127.0.0.1:${healthPort}`
  try {
    await eventually(async () => {
      if (!proc.isRunning) throw new Error(`operator exited (${String(proc.exitStatus)})`)
      const res = await fetch(`${healthUrl}/readyz`, { signal: AbortSignal.timeout(2_000) })
      if (res.status !== 200) throw new Error(`/readyz answered ${res.status}`)
    }, { timeoutMs: opts.readyTimeoutMs ?? 60_000, intervalMs: 200 })
  } catch (err) {
    const tail = proc.logTail()
    await proc.stop(2_000)
    throw new Error(`Operator did not become ready: ${(err as Error).message}\n--- operator log ---\n${tail}`, { cause: err })
  }
  return { process: proc, healthUrl, metricsUrl: `http://127.0.0.1:${metricsPort}` }
}
