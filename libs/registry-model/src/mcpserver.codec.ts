/** The fields of ToolHive's MCPServer resource (`toolhive.stacklok.dev/v1alpha1`) that a registry uses. */
import * as t from 'io-ts'
import { ObjectMetaCodec } from './mcpregistry.codec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Plural resource name of MCPServer. @category model @since 0.1.0 */
export const MCPServerPlural = 'mcpservers'
/** Kind of the resource. @category model @since 0.1.0 */
export const MCPServerKindName = 'MCPServer'
/** Plural resource name of ToolHive's MCPRemoteProxy (its CRD may be missing). @category model @since 0.2.0 */
export const MCPRemoteProxyPlural = 'mcpremoteproxies'
/** Kind of ToolHive's remote MCP proxy resource. @category model @since 0.2.0 */
export const MCPRemoteProxyKindName = 'MCPRemoteProxy'
/** Plural resource name of ToolHive's VirtualMCPServer (its CRD may be missing). @category model @since 0.2.0 */
export const VirtualMCPServerPlural = 'virtualmcpservers'
/** Kind of ToolHive's virtual (aggregating) MCP server resource. @category model @since 0.2.0 */
export const VirtualMCPServerKindName = 'VirtualMCPServer'

/**
 * The annotations by which an MCPServer, MCPRemoteProxy or VirtualMCPServer publishes itself as a registry entry
 * (the names ToolHive's registry server reads). `export: "true"` opts in; `url` (else the object's `status.url`)
 * and `description` are required; the others fill the entry. `tools` is a JSON list or a comma-separated list of
 * tool names; `toolDefinitions` and `authzClaims` are JSON.
 *
 * @category model
 * @since 0.2.0
 */
export const RegistryExportAnnotations = {
  export: 'toolhive.stacklok.dev/registry-export',
  url: 'toolhive.stacklok.dev/registry-url',
  description: 'toolhive.stacklok.dev/registry-description',
  title: 'toolhive.stacklok.dev/registry-title',
  icon: 'toolhive.stacklok.dev/registry-icon',
  category: 'toolhive.stacklok.dev/registry-category',
  version: 'toolhive.stacklok.dev/registry-version',
  tools: 'toolhive.stacklok.dev/tools',
  toolDefinitions: 'toolhive.stacklok.dev/tool-definitions',
  authzClaims: 'toolhive.stacklok.dev/authz-claims',
} as const

/** Label naming the registry an MCPServer belongs to. @category model @since 0.1.0 */
export const RegistryNameLabel = 'toolhive.stacklok.io/registry-name'
/** Label naming the namespace of that registry (its value is compared, unlike ToolHive). @category model @since 0.1.0 */
export const RegistryNamespaceLabel = 'toolhive.stacklok.io/registry-namespace'
/** Label naming the registry entry the MCPServer runs. @category model @since 0.1.0 */
export const ServerNameLabel = 'toolhive.stacklok.io/server-name'

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * An MCPServer as far as the registry reads it: `spec.image`, `spec.transport`, `status.phase`, `status.url`.
 * ToolHive owns this resource, so every other field is tolerated and ignored (not strict on purpose).
 *
 * @category combinators
 * @since 0.1.0
 */
export const MCPServerCodec = t.type(
  {
    metadata: ObjectMetaCodec,
    spec: t.intersection([t.type({ image: t.string }), t.partial({ transport: t.string })]),
    status: t.union([t.undefined, t.partial({ phase: t.string, url: t.string })]),
  },
  'MCPServer',
)
/** @category model @since 0.1.0 */
export type MCPServer = t.TypeOf<typeof MCPServerCodec>
