/**
 * Upstream MCP `server.json` (schema 2025-12-11, also every camelCase date from 2025-09-29): the codecs follow
 * `server.schema.2025-12-11.json`. Those objects are open (no `additionalProperties: false`), so unknown keys
 * are kept verbatim, as the schema allows. Older dates lack fields that are optional here: `remotes[].variables`
 * (new in 2025-12-11) and MCPB `version` (2025-10-17); 2025-09-29 required `packages[].version`, later dates do not.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { decodeWith } from './decode-failure.js'
import type { DecodeFailure } from './decode-failure.js'
import { arrayOf, recordOf, taggedUnion } from './collection.codec.js'
import { UriCodec } from './format.codec.js'
import { BooleanCodec, boundedString, JsonObjectCodec, StringCodec, stringEnum, stringLiteral } from './string.codec.js'
import { openStruct, optional } from './struct.codec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The camelCase `server.json` schema dates this codec reads, oldest first.
 *
 * @category model
 * @since 0.1.0
 */
export const ServerSchemaDates = ['2025-09-29', '2025-10-11', '2025-10-17', '2025-12-11'] as const

/**
 * The `$schema` URL of the newest schema date (what writers should emit).
 *
 * @category model
 * @since 0.1.0
 */
export const CurrentServerSchemaUrl = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json'

/**
 * The `_meta` key under which publishers put their own metadata (ToolHive nests `io.github.stacklok` there).
 *
 * @category model
 * @since 0.1.0
 */
export const PublisherProvidedMetaKey = 'io.modelcontextprotocol.registry/publisher-provided'

/** Pattern of `name` (reverse-DNS namespace, exactly one `/`). */
const SERVER_NAME_PATTERN = '^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$'

/**
 * Whether a version string is a range (`^1.2.3`, `~1`, `>=1`, `1.x`, `1.*`, `1 - 2`, `a || b`), which
 * upstream rejects: a server version must name one release.
 *
 * @category utils
 * @since 0.1.0
 */
export function isVersionRange(version: string): boolean {
  const v = version.trim()
  if (/^[\^~<>=]/.test(v) || v.includes('||') || / - /.test(v)) return true
  const core = v.split(/[-+]/)[0] ?? ''
  return core.split('.').some((part) => part === 'x' || part === 'X' || part === '*')
}

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/**
 * A server name: `io.github.user/weather` (3–200 characters, pattern `^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$`).
 *
 * @category primitives
 * @since 0.1.0
 */
export const ServerNameCodec = boundedString('ServerName', { minLength: 3, maxLength: 200, pattern: SERVER_NAME_PATTERN })

/**
 * A server version: at most 255 characters and not a range (see {@link isVersionRange}).
 *
 * @category primitives
 * @since 0.1.0
 */
export const ServerVersionCodec = boundedString('ServerVersion', {
  maxLength: 255,
  check: (s) => (isVersionRange(s) ? 'must be a specific version, not a range' : undefined),
})

const Text100 = (name: string): t.Type<string, string, unknown> => boundedString(name, { minLength: 1, maxLength: 100 })
const TransportUrlCodec = boundedString('TransportUrl', { pattern: '^https?://[^\\s]+$' })

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

const inputProps = {
  description: optional(StringCodec),
  isRequired: optional(BooleanCodec),
  format: optional(stringEnum('InputFormat', ['string', 'number', 'boolean', 'filepath'])),
  value: optional(StringCodec),
  isSecret: optional(BooleanCodec),
  default: optional(StringCodec),
  placeholder: optional(StringCodec),
  choices: optional(arrayOf(StringCodec, 'Choices')),
}

/**
 * A user input (`Input`): description, isRequired, format, value, isSecret, default, placeholder, choices.
 *
 * @category instances
 * @since 0.1.0
 */
export const InputCodec = openStruct(inputProps, 'Input')
/**
 * A value decoded by {@link InputCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type Input = t.TypeOf<typeof InputCodec>

const VariablesCodec = recordOf(StringCodec, InputCodec, 'Variables')
const withVariables = { ...inputProps, variables: optional(VariablesCodec) }

/**
 * An environment variable or header (`KeyValueInput`): an input with variables and a required `name`.
 *
 * @category instances
 * @since 0.1.0
 */
export const KeyValueInputCodec = openStruct({ ...withVariables, name: StringCodec }, 'KeyValueInput')
/**
 * A value decoded by {@link KeyValueInputCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type KeyValueInput = t.TypeOf<typeof KeyValueInputCodec>

const PositionalBaseCodec = openStruct(
  { ...withVariables, type: stringLiteral('positional'), valueHint: optional(StringCodec), isRepeated: optional(BooleanCodec) },
  'PositionalArgument',
)

/**
 * A positional argument: `{type: "positional"}` plus `valueHint` or `value` (at least one).
 *
 * @category instances
 * @since 0.1.0
 */
export const PositionalArgumentCodec = new t.Type<t.TypeOf<typeof PositionalBaseCodec>, t.OutputOf<typeof PositionalBaseCodec>, unknown>(
  'PositionalArgument',
  (u): u is t.TypeOf<typeof PositionalBaseCodec> => PositionalBaseCodec.is(u) && (u.valueHint !== undefined || u.value !== undefined),
  (u, c) => {
    const r = PositionalBaseCodec.validate(u, c)
    if (E.isLeft(r) || r.right.valueHint !== undefined || r.right.value !== undefined) return r
    return t.failure(u, t.appendContext(c, 'valueHint', StringCodec, undefined), 'is required (a positional argument needs valueHint or value)')
  },
  PositionalBaseCodec.encode,
)
/**
 * A value decoded by {@link PositionalArgumentCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type PositionalArgument = t.TypeOf<typeof PositionalArgumentCodec>

/**
 * A named argument: `{type: "named", name: "--port"}` plus input fields.
 *
 * @category instances
 * @since 0.1.0
 */
export const NamedArgumentCodec = openStruct(
  { ...withVariables, type: stringLiteral('named'), name: StringCodec, isRepeated: optional(BooleanCodec) },
  'NamedArgument',
)
/**
 * A value decoded by {@link NamedArgumentCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type NamedArgument = t.TypeOf<typeof NamedArgumentCodec>

/**
 * A runtime or package argument, discriminated by `type` (`positional` | `named`).
 *
 * @category instances
 * @since 0.1.0
 */
export const ArgumentCodec = taggedUnion('type', { positional: PositionalArgumentCodec, named: NamedArgumentCodec }, 'Argument')
/**
 * A value decoded by {@link ArgumentCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type Argument = t.TypeOf<typeof ArgumentCodec>

/**
 * `{type: "stdio"}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const StdioTransportCodec = openStruct({ type: stringLiteral('stdio') }, 'StdioTransport')
/**
 * A value decoded by {@link StdioTransportCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type StdioTransport = t.TypeOf<typeof StdioTransportCodec>

const httpProps = { url: TransportUrlCodec, headers: optional(arrayOf(KeyValueInputCodec, 'Headers')) }

/**
 * `{type: "streamable-http", url, headers?}`; `url` matches `^https?://[^\s]+$` and may hold `{variables}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const StreamableHttpTransportCodec = openStruct({ type: stringLiteral('streamable-http'), ...httpProps }, 'StreamableHttpTransport')
/**
 * A value decoded by {@link StreamableHttpTransportCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type StreamableHttpTransport = t.TypeOf<typeof StreamableHttpTransportCodec>

/**
 * `{type: "sse", url, headers?}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const SseTransportCodec = openStruct({ type: stringLiteral('sse'), ...httpProps }, 'SseTransport')
/**
 * A value decoded by {@link SseTransportCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type SseTransport = t.TypeOf<typeof SseTransportCodec>

/**
 * A package's transport: stdio, streamable-http or sse (by `type`).
 *
 * @category instances
 * @since 0.1.0
 */
export const LocalTransportCodec = taggedUnion(
  'type',
  { stdio: StdioTransportCodec, 'streamable-http': StreamableHttpTransportCodec, sse: SseTransportCodec },
  'LocalTransport',
)
/**
 * A value decoded by {@link LocalTransportCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type LocalTransport = t.TypeOf<typeof LocalTransportCodec>

/**
 * A remote endpoint: streamable-http or sse, plus URL template `variables` (2025-12-11).
 *
 * @category instances
 * @since 0.1.0
 */
export const RemoteTransportCodec = taggedUnion(
  'type',
  {
    'streamable-http': openStruct({ type: stringLiteral('streamable-http'), ...httpProps, variables: optional(VariablesCodec) }, 'StreamableHttpRemote'),
    sse: openStruct({ type: stringLiteral('sse'), ...httpProps, variables: optional(VariablesCodec) }, 'SseRemote'),
  },
  'RemoteTransport',
)
/**
 * A value decoded by {@link RemoteTransportCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type RemoteTransport = t.TypeOf<typeof RemoteTransportCodec>

/**
 * A package: `registryType` (npm, pypi, oci, nuget, mcpb, … — not an enum), `identifier`, `transport`, and
 * optional `version` (non-empty, not `latest`), `registryBaseUrl`, `fileSha256`, `runtimeHint`, arguments and
 * environment variables.
 *
 * @category instances
 * @since 0.1.0
 */
export const PackageCodec = openStruct(
  {
    registryType: StringCodec,
    registryBaseUrl: optional(UriCodec),
    identifier: StringCodec,
    version: optional(boundedString('PackageVersion', {
      minLength: 1,
      check: (s) => (s === 'latest' ? 'must be a specific version, not "latest"' : undefined),
    })),
    fileSha256: optional(boundedString('FileSha256', { pattern: '^[a-f0-9]{64}$' })),
    runtimeHint: optional(StringCodec),
    transport: LocalTransportCodec,
    runtimeArguments: optional(arrayOf(ArgumentCodec, 'RuntimeArguments')),
    packageArguments: optional(arrayOf(ArgumentCodec, 'PackageArguments')),
    environmentVariables: optional(arrayOf(KeyValueInputCodec, 'EnvironmentVariables')),
  },
  'Package',
)
/**
 * A value decoded by {@link PackageCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type Package = t.TypeOf<typeof PackageCodec>

/**
 * Source repository: `url` (uri) and `source` (e.g. `github`) required, `id` and `subfolder` optional.
 *
 * @category instances
 * @since 0.1.0
 */
export const RepositoryCodec = openStruct(
  { url: UriCodec, source: StringCodec, id: optional(StringCodec), subfolder: optional(StringCodec) },
  'Repository',
)
/**
 * A value decoded by {@link RepositoryCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type Repository = t.TypeOf<typeof RepositoryCodec>

/**
 * An icon: `src` (uri, ≤255), optional `mimeType`, `sizes` (`48x48` or `any`), `theme` (light | dark).
 *
 * @category instances
 * @since 0.1.0
 */
export const IconCodec = openStruct(
  {
    src: boundedString('IconSrc', { maxLength: 255, check: (s) => (UriCodec.is(s) ? undefined : 'must be an absolute URI') }),
    mimeType: optional(stringEnum('IconMimeType', ['image/png', 'image/jpeg', 'image/jpg', 'image/svg+xml', 'image/webp'])),
    sizes: optional(arrayOf(boundedString('IconSize', { pattern: '^(\\d+x\\d+|any)$' }), 'IconSizes')),
    theme: optional(stringEnum('IconTheme', ['light', 'dark'])),
  },
  'Icon',
)
/**
 * A value decoded by {@link IconCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type Icon = t.TypeOf<typeof IconCodec>

/**
 * The publisher `_meta` object; `io.modelcontextprotocol.registry/publisher-provided`, when present, is an object.
 *
 * @category instances
 * @since 0.1.0
 */
export const ServerMetaCodec = openStruct({ [PublisherProvidedMetaKey]: optional(JsonObjectCodec) }, 'ServerMeta')
/**
 * A value decoded by {@link ServerMetaCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ServerMeta = t.TypeOf<typeof ServerMetaCodec>

/**
 * An upstream `server.json` document (`ServerDetail`): `name`, `description` (1–100) and `version` required;
 * `$schema`, `title`, `websiteUrl`, `repository`, `icons`, `packages`, `remotes`, `_meta` optional.
 *
 * @category instances
 * @since 0.1.0
 */
export const ServerJsonCodec = openStruct(
  {
    $schema: optional(UriCodec),
    name: ServerNameCodec,
    description: Text100('ServerDescription'),
    title: optional(Text100('ServerTitle')),
    version: ServerVersionCodec,
    websiteUrl: optional(UriCodec),
    repository: optional(RepositoryCodec),
    icons: optional(arrayOf(IconCodec, 'Icons')),
    packages: optional(arrayOf(PackageCodec, 'Packages')),
    remotes: optional(arrayOf(RemoteTransportCodec, 'Remotes')),
    _meta: optional(ServerMetaCodec),
  },
  'ServerJson',
)
/**
 * A value decoded by {@link ServerJsonCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ServerJson = t.TypeOf<typeof ServerJsonCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Decodes one `server.json` document.
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeServerJson: (u: unknown) => E.Either<DecodeFailure, ServerJson> = decodeWith(ServerJsonCodec)

/**
 * The schema date of a `$schema` URL (`…/schemas/2025-10-17/server.schema.json` → `2025-10-17`), or
 * `undefined` when the URL names no date of the form `YYYY-MM-DD`.
 *
 * @category utils
 * @since 0.1.0
 */
export function serverSchemaDate(schemaUrl: string | undefined): string | undefined {
  return schemaUrl === undefined ? undefined : /\/schemas\/(\d{4}-\d{2}-\d{2})\/server\.schema\.json$/.exec(schemaUrl)?.[1]
}
