/** Kind descriptors of every resource the operator reads or writes. */
import type { KindDescriptor } from '@thv/k8s-reconcile'
import {
  MCPRegistryGroup, MCPRegistryKindName, MCPRegistryPlural, MCPRegistryVersion, MCPRemoteProxyKindName, MCPRemoteProxyPlural, MCPServerKindName, MCPServerPlural,
  VirtualMCPServerKindName, VirtualMCPServerPlural,
} from '@thv/registry-model'

/** toolhive.stacklok.dev/v1alpha1 MCPRegistry. */
export const MCPRegistryKind: KindDescriptor = { group: MCPRegistryGroup, version: MCPRegistryVersion, kind: MCPRegistryKindName, plural: MCPRegistryPlural, namespaced: true }
/** toolhive.stacklok.dev/v1alpha1 MCPServer (ToolHive's; its CRD may be missing). */
export const MCPServerKind: KindDescriptor = { group: MCPRegistryGroup, version: MCPRegistryVersion, kind: MCPServerKindName, plural: MCPServerPlural, namespaced: true }
/** toolhive.stacklok.dev/v1alpha1 MCPRemoteProxy (ToolHive's; its CRD may be missing). */
export const MCPRemoteProxyKind: KindDescriptor = { group: MCPRegistryGroup, version: MCPRegistryVersion, kind: MCPRemoteProxyKindName, plural: MCPRemoteProxyPlural, namespaced: true }
/** toolhive.stacklok.dev/v1alpha1 VirtualMCPServer (ToolHive's; its CRD may be missing). */
export const VirtualMCPServerKind: KindDescriptor = { group: MCPRegistryGroup, version: MCPRegistryVersion, kind: VirtualMCPServerKindName, plural: VirtualMCPServerPlural, namespaced: true }
/** The kinds a `kubernetes` source exports, in the order that wins a name both use. */
export const WorkloadKinds: readonly KindDescriptor[] = [MCPServerKind, MCPRemoteProxyKind, VirtualMCPServerKind]
/** core/v1 ServiceAccount. */
export const ServiceAccountKind: KindDescriptor = { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true }
/** rbac.authorization.k8s.io/v1 Role. */
export const RoleKind: KindDescriptor = { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true }
/** rbac.authorization.k8s.io/v1 RoleBinding. */
export const RoleBindingKind: KindDescriptor = { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true }

/** policy/v1 PodDisruptionBudget. */
export const PodDisruptionBudgetKind: KindDescriptor = { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true }
/** networking.k8s.io/v1 Ingress. */
export const IngressKind: KindDescriptor = { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', namespaced: true }
/** gateway.networking.k8s.io/v1 HTTPRoute (Gateway API; its CRD may be missing). */
export const HTTPRouteKind: KindDescriptor = { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'HTTPRoute', plural: 'httproutes', namespaced: true }

/** Field manager of every server-side apply and the component name on Events. */
export const FieldManager = 'thv-operator'
/** Finalizer that lets the operator delete a registry's storage before the registry disappears. */
export const RegistryFinalizer = 'mcpregistry.toolhive.stacklok.dev/finalizer'
