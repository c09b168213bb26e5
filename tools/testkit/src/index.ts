/**
 * @packageDocumentation
 * @thv/testkit: the one home of test and tooling helpers. Primitives (polling with `eventually`/`consistently`,
 * free loopback ports, child-process supervision, manifest parsing and server-side apply) and the whole-system
 * harness (config/default, the operator and per-registry APIs as real processes, with ServiceAccount tokens, and
 * helpers to assert over HTTP). Used by every test folder, e2e/, bench/, tools/control-plane and tools/local-stack.
 * It imports no tool or app: what it needs from the control plane comes in as {@link SystemPlane}.
 */
export { startApiForRegistry, readApiDeployment, apiDeploymentName } from './api-process.js'
export type { ApiHandle, ApiDeploymentSpec, StartApiOptions, ServiceAccountKubeconfigWriter } from './api-process.js'
export { eventually, consistently, notYet, DefaultEventually } from './poll.js'
export type { PollOptions } from './poll.js'
export { allocateFreePorts, freePort } from './free-ports.js'
export { httpGet, getJson } from './http.js'
export type { HttpResult } from './http.js'
export { ManagedProcess, killAllManagedProcesses } from './managed-process.js'
export type { ManagedProcessOptions, ProcessTracker } from './managed-process.js'
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
export type { E2ESystem, PlaneAccess, SystemOptions, SystemPlane } from './system.js'
export { makeTestTls, startHttpsServer, testResolver, countSockets } from './remote-sources.js'
export type { TestTls, TestHttpsServer } from './remote-sources.js'
export { startGitServer } from './git-server.js'
export type { TestGitServer } from './git-server.js'
export { startTestIdp, newSigningKey, ReadScope } from './test-idp.js'
export type { TestIdp, TestClient, TestSigningKey } from './test-idp.js'
