// Mocha global fixtures (`require`d by .mocharc.int.json and .mocharc.e2e.json): one control plane with controllers
// per mocha run, CRDs from <repo>/config/crd/bases installed when that folder exists, KUBECONFIG exported for tests
// and child processes, everything stopped at the end. Tests call getTestControlPlane() / createTestNamespace().
import { fileURLToPath } from 'node:url'
import { deleteTestNamespaces, getTestControlPlane, stopTestControlPlane, testNamespacesCreated } from './test-plane.js'

const CRD_DIR = fileURLToPath(new URL('../../../config/crd/bases', import.meta.url))

/** Starts the run's control plane before any test file runs. */
export async function mochaGlobalSetup(): Promise<void> {
  const started = Date.now()
  const plane = await getTestControlPlane({ crdDir: CRD_DIR })
  process.stderr.write(`[control-plane] ready in ${Date.now() - started} ms: KUBECONFIG=${plane.kubeconfigPath}\n`)
}

/** Stops the run's control plane after the last test. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopTestControlPlane()
}

/**
 * Namespaces of a test file are deleted when the next file's first test starts (mocha has no per-file hook): the
 * namespaces created up to the previous file's last test belong to it (its `after` hooks create none, and the next
 * file's `before` hooks run after that test), so the next file's own namespaces are never touched. Later files'
 * operators then do not reconcile registries earlier files left behind.
 */
let currentFile: string | undefined
let ownedUpTo = 0
let cleanedUpTo = 0
export const mochaHooks = {
  async beforeEach(this: Mocha.Context): Promise<void> {
    const file = this.currentTest?.file
    if (currentFile !== undefined && file !== currentFile) {
      const stale = testNamespacesCreated().slice(cleanedUpTo, ownedUpTo)
      cleanedUpTo = ownedUpTo
      await deleteTestNamespaces(stale)
    }
    currentFile = file
  },
  afterEach(): void {
    ownedUpTo = testNamespacesCreated().length
  },
}
