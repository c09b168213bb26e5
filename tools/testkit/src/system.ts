/**
 * The whole system under test, started once per mocha run: config/default rendered with kustomize and applied, a
 * minimal MCPServer CRD, and the operator as a separate process authenticated as the ServiceAccount of config/rbac.
 * Registry APIs are started per scenario with {@link E2ESystem.startApi}.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node'
import { startApiForRegistry, type ApiHandle } from './api-process.js'
import { eventually } from './poll.js'
import { applyObjects, parseManifests, readIfExists } from './manifests.js'
import {
  findOperatorDeployment, startOperatorProcess, type OperatorDeploymentInfo, type OperatorHandle, type OperatorRuntime,
} from './operator-process.js'
import { REPO_ROOT } from './paths.js'

/**
 * What the system needs from the control plane of the run. `@thv/control-plane` provides it as `systemPlane`
 * (the testkit sits below the control plane, so it names what it needs instead of importing it).
 */
export interface SystemPlane {
  /** The run's shared control plane (started by the mocha root hook). */
  getPlane(): Promise<PlaneAccess>
  /** Creates a fresh labelled namespace `<prefix>-<random>` on it. */
  createNamespace(prefix: string): Promise<string>
  /** Renders a kustomization folder into objects, as `kubectl apply -k` would. */
  renderKustomization(dir: string): Promise<KubernetesObject[]>
}

/** The parts of a running control plane the system uses. */
export interface PlaneAccess {
  kubeConfig(): KubeConfig
  kubeConfigForServiceAccount(namespace: string, serviceAccountName: string): Promise<KubeConfig>
  writeKubeconfigForServiceAccount(namespace: string, serviceAccountName: string): Promise<string>
}

/** Handle on the running system shared by every e2e scenario. */
export interface E2ESystem {
  readonly plane: PlaneAccess
  /** Creates a fresh labelled namespace `<prefix>-<random>`. */
  createNamespace(prefix: string): Promise<string>
  /** Admin client (for arranging and inspecting; the operator and APIs use their own tokens). */
  readonly kc: KubeConfig
  /** What config/default rendered to. */
  readonly installed: readonly KubernetesObject[]
  readonly operatorInfo: OperatorDeploymentInfo
  /** Folder holding every child process log. */
  readonly logDir: string
  /** The current operator process. */
  operator(): OperatorHandle
  /** SIGKILLs the operator (no cleanup, as a crashed pod). */
  killOperator(): Promise<void>
  /** Starts the operator again (same ServiceAccount, same args) and waits for /readyz. */
  restartOperator(): Promise<void>
  /** Starts the registry API for `namespace/name` from its Deployment (see api-process.ts). */
  startApi(namespace: string, name: string): Promise<ApiHandle>
}

/** Options of {@link getSystem}, used by the call that starts the system. */
export interface SystemOptions {
  /** The control plane of the run (`systemPlane` of `@thv/control-plane`). */
  readonly plane: SystemPlane
  /** How the operator runs (default `source`); `compiled` needs `buildOperator()` first. */
  readonly operatorRuntime?: OperatorRuntime
  /** Extra environment of the operator (flags' env twins), on top of config/manager's and the test flags. */
  readonly operatorEnv?: Readonly<Record<string, string>>
}

let system: Promise<E2ESystem> | undefined
let current: { operator: OperatorHandle; apis: Set<ApiHandle> } | undefined

async function boot(options: SystemOptions): Promise<E2ESystem> {
  const plane = await options.plane.getPlane()
  const kc = plane.kubeConfig()
  const logDir = mkdtempSync(join(tmpdir(), 'thv-e2e-logs-'))
  await applyObjects(kc, parseManifests(readFileSync(join(REPO_ROOT, 'testdata/toolhive-crds/mcpserver/mcpserver.crd.yaml'), 'utf8')))
  await eventually(async () => {
    const crd = await readIfExists<KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } }>(kc, {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'mcpservers.toolhive.stacklok.dev',
    })
    if (!crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) throw new Error('MCPServer CRD not established')
  }, { timeoutMs: 30_000 })
  const installed = await options.plane.renderKustomization(join(REPO_ROOT, 'config/default'))
  await applyObjects(kc, installed)
  const operatorInfo = findOperatorDeployment(installed)
  const kubeconfigPath = await plane.writeKubeconfigForServiceAccount(operatorInfo.namespace, operatorInfo.serviceAccountName)
  // POD_NAMESPACE as the downward API would set it (the Lease namespace of --leader-elect).
  // Remote sources in e2e are servers on 127.0.0.1 (plain HTTP for the api mirror of another registry's API): the
  // flags meant for tests and the local stack, through their env twins (the manifests stay as shipped).
  const env = {
    POD_NAMESPACE: operatorInfo.namespace, ...operatorInfo.env,
    THV_REGISTRY_ALLOW_LOOPBACK_SOURCES: 'true', THV_REGISTRY_ALLOW_INSECURE_SOURCES: 'true', THV_REGISTRY_ALLOWED_SOURCE_HOSTS: '127.0.0.1,localhost',
    ...options.operatorEnv,
  }
  const start = (): Promise<OperatorHandle> =>
    startOperatorProcess({ kubeconfigPath, args: operatorInfo.args, logDir, env, ...(options.operatorRuntime === undefined ? {} : { runtime: options.operatorRuntime }) })
  current = { operator: await start(), apis: new Set() }
  const state = current
  return {
    plane, kc, installed, operatorInfo, logDir,
    createNamespace: (prefix) => options.plane.createNamespace(prefix),
    operator: () => state.operator,
    async killOperator() { await state.operator.process.kill() },
    async restartOperator() {
      await state.operator.process.stop()
      state.operator = await start()
    },
    async startApi(namespace, name) {
      const api = await startApiForRegistry({
        kc, namespace, registryName: name, logDir,
        writeServiceAccountKubeconfig: (ns, sa) => plane.writeKubeconfigForServiceAccount(ns, sa),
      })
      state.apis.add(api)
      void api.process.exited.then(() => state.apis.delete(api))
      return api
    },
  }
}

/** Starts the system on first call (with `options`) and returns the same handle afterwards. */
export function getSystem(options: SystemOptions): Promise<E2ESystem> {
  system ??= boot(options)
  return system
}

/** Stops every API and the operator (the control plane belongs to the mocha root hook). Idempotent. */
export async function stopSystem(): Promise<void> {
  const state = current
  current = undefined
  if (!state) return
  await Promise.all([...state.apis].map((a) => a.stop()))
  await state.operator.process.stop()
}
