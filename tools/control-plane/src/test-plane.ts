import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { CoreV1Api } from '@kubernetes/client-node'
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane.js'

/** Label put on every namespace made by {@link createTestNamespace}. */
export const TestNamespaceLabel = 'thv-registry.test/namespace'

// The shared plane lives on globalThis: mocha may load the root hook and the test files through different module
// instances (require vs import, source vs build), and they must still share one plane.
const KEY = Symbol.for('@thv/control-plane/test-plane')
type Holder = { [KEY]?: Promise<ControlPlane> }
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
  return name
}
