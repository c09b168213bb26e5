/** The control plane of a test run as the whole-system harness of `@thv/testkit` needs it (`getSystem({ plane: systemPlane })`). */
import type { SystemPlane } from '@thv/testkit'
import { renderKustomization } from './kustomize.js'
import { createTestNamespace, getTestControlPlane } from './test-plane.js'

/** The run's shared plane, its namespaces and the kustomize binary built with it. */
export const systemPlane: SystemPlane = {
  getPlane: () => getTestControlPlane(),
  createNamespace: (prefix) => createTestNamespace(prefix),
  renderKustomization: (dir) => renderKustomization(dir),
}
