/**
 * @thv/control-plane: a real Kubernetes control plane (etcd, kube-apiserver, optionally kube-controller-manager,
 * kube-scheduler and kwok) built from pinned Go modules and run as local processes, for tests and the local stack.
 */
export { startControlPlane, ControlPlane } from './control-plane.js'
export type { ControlPlaneOptions } from './control-plane.js'
export { getTestControlPlane, stopTestControlPlane, createTestNamespace, deleteTestNamespaces, testNamespacesCreated, TestNamespaceLabel } from './test-plane.js'
export { systemPlane } from './system-plane.js'
export {
  KubernetesVersion,
  BinaryNames,
  CoreBinaries,
  ControllerBinaries,
  binaryCacheDir,
  buildScriptPath,
  ensureBinaries,
  findBinaries,
  findKwokStages,
  KwokStagesFile,
  testAssetVariable,
} from './binaries.js'
export type { BinaryLookup, BinaryName, BinarySource, EnsureBinariesOptions, LocatedBinary, LookupEnv } from './binaries.js'
export type { ComponentName } from './component-process.js'
export type { PlaneFiles, PlanePorts } from './component-args.js'
export { FakeNodeName } from './fake-node.js'
export { kustomizeCommand, renderKustomization } from './kustomize.js'
export { renderKubeconfig } from './kubeconfig.js'
export type { KubeconfigParams } from './kubeconfig.js'
