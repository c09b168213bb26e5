/**
 * @packageDocumentation
 * Whole-system test harness: runs config/default, the operator and per-registry APIs as real processes against
 * the real control plane (tools/control-plane), with ServiceAccount tokens, and helpers to assert over HTTP.
 * Used by e2e/*.e2e.test.ts and by the local stack (tools/local-stack).
 */
export { startApiForRegistry, readApiDeployment, apiDeploymentName } from './api-process.js'
export type { ApiHandle, ApiDeploymentSpec, StartApiOptions, ServiceAccountKubeconfigWriter } from './api-process.js'
export { eventually, consistently } from './eventually.js'
export type { PollOptions } from './eventually.js'
export { freePort } from './free-port.js'
export { httpGet, getJson } from './http.js'
export type { HttpResult } from './http.js'
export { kustomizeCommand, renderKustomization } from './kustomize.js'
export { ManagedProcess, killAllManagedProcesses } from './managed-process.js'
export type { ManagedProcessOptions } from './managed-process.js'
export { applyObjects, parseManifests, readIfExists, isApiStatus, E2E_FIELD_MANAGER, CLUSTER_SCOPED_KINDS } from './manifests.js'
export { findOperatorDeployment, operatorCommand, startOperatorProcess } from './operator-process.js'
export type { OperatorDeploymentInfo, OperatorHandle, OperatorRuntime, StartOperatorOptions } from './operator-process.js'
export { buildOperator, OPERATOR_BUILD_PROJECTS } from './operator-build.js'
export { REPO_ROOT, sharedDir, fixturePath } from './paths.js'
export { withoutFlags, flagValue } from './process-args.js'
export { getToolHiveDocument, listAllUpstream, toolHiveKeys } from './registry-api-client.js'
export type { ToolHiveDocument, UpstreamItem } from './registry-api-client.js'
export {
  TOOLHIVE_GROUP, TOOLHIVE_VERSION, applySourceConfigMap, applyRegistry, readRegistry, annotateRegistry, patchRegistry,
  waitForRegistryReady, registryEvents,
} from './registry-resources.js'
export type { RegistryObject } from './registry-resources.js'
export { loadToolHiveFixture, subsetOf, keysWithTag } from './fixture-data.js'
export { startRegistryScenario } from './registry-scenario.js'
export type { RegistryScenario } from './registry-scenario.js'
export { getSystem, stopSystem } from './system.js'
export type { E2ESystem, SystemOptions } from './system.js'
