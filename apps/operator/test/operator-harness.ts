// Runs the operator in-process against the test control plane, plus helpers the operator integration tests share.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import { getTestControlPlane } from '@thv/control-plane'
import { eventually, notYet, startApiForRegistry, type ApiHandle } from '@thv/testkit'
import { ConfigMapKind, httpStatusOf, KubeClient, patchContentType } from '@thv/k8s-reconcile'
import type { MCPRegistry, MCPRegistryStatus, RegistrySnapshot, SourceStatus } from '@thv/registry-model'
import { ConfigMapStorageManager, type StorageLimits } from '@thv/storage'
import { Registry } from 'prom-client'
import { createLogger } from '@thv/app-runtime'
import { MCPRegistryKind } from '../src/kinds.js'
import { createOperator, type Operator, type OperatorOptions } from '../src/operator.js'
import { ensureMcpRegistryCrd } from './crd-install.js'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
/** The real ToolHive registry (68 servers, 18 remote servers) from the shared fixtures (`$THV_SHARED_DIR`, else testdata/). */
export const ToolHiveFixturePath = join(process.env['THV_SHARED_DIR'] ?? join(REPO_ROOT, 'testdata'), 'fixtures', 'toolhive-registry.json')
/** The fixture as text and parsed. */
export const toolHiveFixtureText = (): string => readFileSync(ToolHiveFixturePath, 'utf8')
export interface ToolHiveDoc { servers: Record<string, Record<string, unknown>>; remote_servers: Record<string, Record<string, unknown>>; [k: string]: unknown }
export const toolHiveFixture = (): ToolHiveDoc => JSON.parse(toolHiveFixtureText()) as ToolHiveDoc
/** Entries (servers + remote servers) of a ToolHive document. */
export const entryCount = (doc: ToolHiveDoc): number => Object.keys(doc.servers).length + Object.keys(doc.remote_servers ?? {}).length
/** The fixture with only the first `n` servers and no remote servers. */
export function smallRegistry(n: number): ToolHiveDoc {
  const doc = toolHiveFixture()
  return { ...doc, servers: Object.fromEntries(Object.entries(doc.servers).slice(0, n)), remote_servers: {} }
}

/** A running in-process operator. */
export interface RunningOperator {
  readonly operator: Operator
  /** The operator's metrics (what its /metrics endpoint would serve). */
  readonly metricsRegistry: Registry
  stop(): Promise<void>
}

/** Starts the operator (all namespaces unless `watchNamespace` is given) with test-friendly settings. */
export async function startOperator(
  options: { image?: string; allowCrossNamespaceSources?: boolean; kubeConfig?: KubeConfig; storageLimits?: Partial<StorageLimits>; watchNamespace?: string; remoteSources?: OperatorOptions['remoteSources'] } = {},
): Promise<RunningOperator> {
  const plane = await getTestControlPlane()
  const log = createLogger(process.env['OPERATOR_TEST_LOG'] ?? 'error', false)
  const metricsRegistry = new Registry()
  const operator = createOperator({
    kubeConfig: options.kubeConfig ?? plane.kubeConfig(),
    log,
    metricsRegistry,
    registryApiImage: options.image ?? 'example.com/thv-registry-api:test',
    allowCrossNamespaceSources: options.allowCrossNamespaceSources ?? false,
    maxConcurrentReconciles: 2,
    gracefulShutdownTimeoutMs: 5_000,
    ...(options.storageLimits === undefined ? {} : { storageLimits: options.storageLimits }),
    // Tests never leave 127.0.0.0/8: remote sources may reach only loopback names unless a test says otherwise, so a
    // registry left by another test file that names a real host (ToolHive's git examples) is refused without a lookup.
    remoteSources: options.remoteSources ?? { allowedHosts: ['127.0.0.1', 'localhost'] },
    ...(options.watchNamespace === undefined ? {} : { watchNamespace: options.watchNamespace }),
  })
  const abort = new AbortController()
  const exit = operator.manager.start(abort.signal)
  await eventually(async () => (operator.manager.readyz().ok ? true : notYet()), { description: 'operator caches synced', timeoutMs: 30_000 })
  return {
    operator,
    metricsRegistry,
    stop: async () => {
      abort.abort()
      await exit
    },
  }
}

/** Clients for tests. */
export interface TestClients {
  readonly client: KubeClient
  readonly core: CoreV1Api
  readonly storage: ConfigMapStorageManager
}

/** Clients on the test plane, with the MCPRegistry CRD installed byte-faithfully. */
export async function testClients(namespaceForCrdProbe: string): Promise<TestClients> {
  const plane = await getTestControlPlane()
  const kc = plane.kubeConfig()
  const client = new KubeClient(kc)
  await ensureMcpRegistryCrd(client, namespaceForCrdProbe)
  return { client, core: kc.makeApiClient(CoreV1Api), storage: new ConfigMapStorageManager(kc.makeApiClient(CoreV1Api)) }
}

/** Creates or replaces ConfigMap `name` with `data`. */
export async function putConfigMap(client: KubeClient, namespace: string, name: string, data: Record<string, string>): Promise<void> {
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data }
  try {
    await client.create(ConfigMapKind, namespace, body as KubernetesObject)
  } catch (err) {
    if (httpStatusOf(err) !== 409) throw err
    await client.request('PUT', `/api/v1/namespaces/${namespace}/configmaps/${name}`, { body })
  }
}

/** Creates an MCPRegistry. */
export async function createRegistry(client: KubeClient, namespace: string, name: string, spec: unknown, annotations?: Record<string, string>): Promise<void> {
  await client.create(MCPRegistryKind, namespace, {
    apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) }, spec,
  } as KubernetesObject)
}

/** Merge-patches an MCPRegistry (spec or metadata). */
export async function patchRegistry(client: KubeClient, namespace: string, name: string, patch: unknown): Promise<void> {
  await client.patch(MCPRegistryKind, namespace, name, patch, patchContentType.merge)
}

/** The MCPRegistry as stored, or undefined. */
export async function readRegistry(client: KubeClient, namespace: string, name: string): Promise<(MCPRegistry & KubernetesObject) | undefined> {
  try {
    return await client.get<MCPRegistry & KubernetesObject>(MCPRegistryKind, namespace, name)
  } catch (err) {
    if (httpStatusOf(err) === 404) return undefined
    throw err
  }
}

/** The registry's stored snapshot. */
/** The MCPRegistry `namespace/name`; throws when it does not exist. */
export async function requireRegistry(client: KubeClient, namespace: string, name: string): Promise<MCPRegistry> {
  const r = await readRegistry(client, namespace, name)
  if (r === undefined) throw new Error(`MCPRegistry ${namespace}/${name} not found`)
  return r
}

/** The `status.sources[]` entry of source `name`; throws when there is none. */
export function sourceStatusOf(r: MCPRegistry, name: string): SourceStatus {
  const s = r.status?.sources?.find((x) => x.name === name)
  if (s === undefined) throw new Error(`no status.sources entry ${name}`)
  return s
}

/** Starts the registry API for MCPRegistry `namespace/name` as its ServiceAccount on the test plane. */
export async function startRegistryApi(namespace: string, name: string, logDir: string): Promise<ApiHandle> {
  const plane = await getTestControlPlane()
  return startApiForRegistry({
    kc: plane.kubeConfig(), namespace, registryName: name, logDir,
    writeServiceAccountKubeconfig: (n, sa) => plane.writeKubeconfigForServiceAccount(n, sa),
  })
}

export async function storedSnapshot(clients: TestClients, namespace: string, name: string): Promise<RegistrySnapshot | undefined> {
  const registry = await readRegistry(clients.client, namespace, name)
  const meta = { name, namespace, uid: registry?.metadata.uid ?? 'deleted' }
  return clients.storage.get({ metadata: meta } as MCPRegistry, new AbortController().signal)
}

/** Reconciles run so far by every controller of an operator (the sum of `controller_runtime_reconcile_total`). */
export async function reconcileTotal(metricsRegistry: Registry): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('controller_runtime_reconcile_total')?.get()
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0)
}

/** The status conditions as `{type: [status, reason]}`. */
export function conditionSummary(status: MCPRegistryStatus | undefined): Record<string, [string, string]> {
  return Object.fromEntries((status?.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]))
}

/** Every condition True with the success reasons. */
export const AllTrue = {
  SourceAvailable: ['True', 'SourceFetched'], DataValid: ['True', 'DataValidated'], SyncSuccessful: ['True', 'SyncSucceeded'],
  APIReady: ['True', 'DeploymentAvailable'], Ready: ['True', 'RegistryReady'],
}
