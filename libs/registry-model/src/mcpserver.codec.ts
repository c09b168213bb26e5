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
