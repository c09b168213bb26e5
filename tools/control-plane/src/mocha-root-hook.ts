// Mocha global fixtures (`require`d by .mocharc.int.json and .mocharc.e2e.json): one control plane with controllers
// per mocha run, CRDs from <repo>/config/crd/bases installed when that folder exists, KUBECONFIG exported for tests
// and child processes, everything stopped at the end. Tests call getTestControlPlane() / createTestNamespace().
import { fileURLToPath } from 'node:url'
import { getTestControlPlane, stopTestControlPlane } from './test-plane.js'

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
