import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.js'

/** Label put on every namespace made by {@link createTestNamespace}. */
export const TestNamespaceLabel = 'thv-registry.test/namespace'

// The shared plane lives on globalThis: mocha may load the root hook and the test files through different module
// instances (require vs import, source vs build), and they must still share one plane.
const KEY = Symbol.for('@thv/control-plane/test-plane')
const CREATED = Symbol.for('@thv/control-plane/test-namespaces')
type Holder = { [KEY]?: Promise<ControlPlane>; [CREATED]?: string[] }
const holder = globalThis as Holder

/**
 * The plane of this test run (controllers on). The mocha root hook starts it; outside mocha it starts on first
 * use and dies with the process.
 */
export function getTestControlPlane(opts: { crdDir?: string } = {}): Promise<ControlPlane> {
  holder[KEY] ??= startTestPlane(opts.crdDir)
  return holder[KEY]
}

async function startTestPlane(crdDir: string | undefined): Promise<ControlPlane> {
  const options: ControlPlaneOptions = { withControllers: true }
  const plane = await startControlPlane(options)
  try {
    if (crdDir && existsSync(crdDir)) await plane.installCrds(crdDir)
  } catch (err) {
    await plane.stop()
    throw err
  }
  process.env.KUBECONFIG = plane.kubeconfigPath
  return plane
}

/** Stops the plane of this test run, if one was started. */
export async function stopTestControlPlane(): Promise<void> {
  const pending = holder[KEY]
  if (!pending) return
  delete holder[KEY]
  const plane = await pending.catch(() => undefined)
  await plane?.stop()
}

/**
 * Creates a namespace `<prefix>-<random>` on the test plane (labelled {@link TestNamespaceLabel}) and returns its
 * name. Each test works in its own namespace, so tests never see each other's objects.
 */
export async function createTestNamespace(prefix: string): Promise<string> {
  const plane = await getTestControlPlane()
  const base = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'test'
  const name = `${base}-${randomBytes(3).toString('hex')}`
  const core = plane.kubeConfig().makeApiClient(CoreV1Api)
  await core.createNamespace({ body: { metadata: { name, labels: { [TestNamespaceLabel]: 'true' } } } })
  ;(holder[CREATED] ??= []).push(name)
  return name
}

/** The namespaces {@link createTestNamespace} made in this process, in order. */
export function testNamespacesCreated(): readonly string[] {
  return holder[CREATED] ?? []
}

/**
 * Deletes test namespaces and what is in them, without waiting for the namespace controller to finish. Their
 * MCPRegistries lose their finalizer first: the operator that would remove it was stopped with its test file, and a
 * registry left behind would be reconciled (synced, retried, deployed) by every operator later test files start.
 * Errors are ignored: a namespace a test already deleted is fine.
 */
export async function deleteTestNamespaces(names: readonly string[]): Promise<void> {
  if (names.length === 0) return
  const plane = await getTestControlPlane()
  const kc = plane.kubeConfig()
  const core = kc.makeApiClient(CoreV1Api)
  const custom = kc.makeApiClient(CustomObjectsApi)
  const mcpRegistries = { group: 'toolhive.stacklok.dev', version: 'v1alpha1', plural: 'mcpregistries' }
  await Promise.all(names.map(async (namespace) => {
    try {
      const list = await custom.listNamespacedCustomObject({ ...mcpRegistries, namespace }) as { items?: Array<{ metadata?: { name?: string; finalizers?: string[] } }> }
      await Promise.all((list.items ?? []).filter((r) => (r.metadata?.finalizers?.length ?? 0) > 0).map((r) =>
        custom.patchNamespacedCustomObject({ ...mcpRegistries, namespace, name: r.metadata?.name ?? '', body: [{ op: 'remove', path: '/metadata/finalizers' }] }).catch(() => undefined)))
    } catch {
      // No MCPRegistry CRD on this plane, or the namespace is gone.
    }
    await core.deleteNamespace({ name: namespace }).catch(() => undefined)
  }))
}
