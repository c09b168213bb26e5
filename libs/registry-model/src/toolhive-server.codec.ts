/**
 * ToolHive registry entries (`definitions/server` and `definitions/remote_server` of ToolHive's registry
 * schema) and their parts. Every object here is closed (`additionalProperties: false`) except
 * `custom_metadata` (free-form) and the attestation `predicate` (any JSON).
 */
import * as t from 'io-ts'
import { arrayOf } from './collection.codec.js'
import { DateTimeCodec, HostnameCodec, isHostname, UriCodec } from './format.codec.js'
import { BooleanCodec, boundedString, integerRange, JsonObjectCodec, StringCodec, stringEnum } from './string.codec.js'
import { optional, strictPartial, strictStruct } from './struct.codec.js'

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/**
 * A ToolHive server key: `^[a-z0-9][a-z0-9-]+[a-z0-9]$` (lower case, at least 3 characters).
 *
 * @category primitives
 * @since 0.1.0
 */
export const ToolHiveServerNameCodec = boundedString('ToolHiveServerName', { pattern: '^[a-z0-9][a-z0-9-]+[a-z0-9]$' })

/**
 * `Official` | `Community`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const ToolHiveTierCodec = stringEnum('ToolHiveTier', ['Official', 'Community'])
/**
 * A value decoded by {@link ToolHiveTierCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveTier = t.TypeOf<typeof ToolHiveTierCodec>

/**
 * `Active` | `Deprecated`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const ToolHiveStatusCodec = stringEnum('ToolHiveStatus', ['Active', 'Deprecated'])
/**
 * A value decoded by {@link ToolHiveStatusCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveStatus = t.TypeOf<typeof ToolHiveStatusCodec>

/**
 * Container image reference (no digest form), ToolHive's pattern.
 *
 * @category primitives
 * @since 0.1.0
 */
export const ToolHiveImageCodec = boundedString('ToolHiveImage', {
  pattern: '^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*(:([a-zA-Z0-9][a-zA-Z0-9._-]*))?$',
})

const Description = boundedString('ToolHiveDescription', { minLength: 10, maxLength: 500 })
const ShortDescription = boundedString('ToolHiveShortDescription', { minLength: 5, maxLength: 200 })
const Tools = arrayOf(boundedString('ToolName', { pattern: '^[\\w-]+$' }), 'Tools', { minItems: 1, unique: true })
const Tags = arrayOf(boundedString('Tag', { pattern: '^[a-z0-9][a-z0-9_-]*[a-z0-9]$' }), 'Tags', { minItems: 1, unique: true })
const Port = integerRange('Port', 1, 65535)
const AbsolutePaths = arrayOf(boundedString('AbsolutePath', { pattern: '^(/[^/\\0]+)+/?$' }), 'AbsolutePaths', { unique: true })

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * `{name, description (5–200), required, secret?, default?}`; `name` matches `^[A-Za-z_][A-Za-z0-9_]*$`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveEnvVarCodec = strictStruct(
  {
    name: boundedString('EnvVarName', { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
    description: ShortDescription,
    required: BooleanCodec,
    secret: optional(BooleanCodec),
    default: optional(StringCodec),
  },
  'ToolHiveEnvVar',
)
/**
 * A value decoded by {@link ToolHiveEnvVarCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveEnvVar = t.TypeOf<typeof ToolHiveEnvVarCodec>

/**
 * A remote server's HTTP header: `{name, description (5–200), required, secret?, default?, choices?}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveHeaderCodec = strictStruct(
  {
    name: boundedString('HeaderName', { pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' }),
    description: ShortDescription,
    required: BooleanCodec,
    secret: optional(BooleanCodec),
    default: optional(StringCodec),
    choices: optional(arrayOf(StringCodec, 'Choices', { unique: true })),
  },
  'ToolHiveHeader',
)
/**
 * A value decoded by {@link ToolHiveHeaderCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveHeader = t.TypeOf<typeof ToolHiveHeaderCodec>

/**
 * Outbound network permissions: `allow_host` (host names or `.domain` suffixes), `allow_port`, `insecure_allow_all`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveOutboundPermissionsCodec = strictPartial(
  {
    allow_host: arrayOf(
      boundedString('AllowHost', {
        check: (s) => (isHostname(s) || /^\.[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/u.test(s) ? undefined : 'must be a host name or a .domain suffix'),
      }),
      'AllowHosts',
      { unique: true },
    ),
    allow_port: arrayOf(Port, 'AllowPorts', { unique: true }),
    insecure_allow_all: BooleanCodec,
  },
  'ToolHiveOutboundPermissions',
)

/**
 * `{outbound?}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveNetworkPermissionsCodec = strictPartial({ outbound: ToolHiveOutboundPermissionsCodec }, 'ToolHiveNetworkPermissions')

/**
 * Container permissions: `read`/`write` absolute paths, `network`, `privileged`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHivePermissionsCodec = strictPartial(
  { network: ToolHiveNetworkPermissionsCodec, read: AbsolutePaths, write: AbsolutePaths, privileged: BooleanCodec },
  'ToolHivePermissions',
)
/**
 * A value decoded by {@link ToolHivePermissionsCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHivePermissions = t.TypeOf<typeof ToolHivePermissionsCodec>

/**
 * Popularity metadata: `{stars?, pulls?, last_updated?}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveMetadataCodec = strictPartial(
  { last_updated: DateTimeCodec, pulls: integerRange('Pulls', 0), stars: integerRange('Stars', 0) },
  'ToolHiveMetadata',
)
/**
 * A value decoded by {@link ToolHiveMetadataCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveMetadata = t.TypeOf<typeof ToolHiveMetadataCodec>

/**
 * A verified attestation: `{predicate_type? (uri), predicate? (any JSON)}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveAttestationCodec = strictPartial({ predicate_type: UriCodec, predicate: t.unknown }, 'ToolHiveAttestation')

/**
 * Supply-chain provenance (sigstore) of an image.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveProvenanceCodec = strictPartial(
  {
    cert_issuer: UriCodec,
    repository_uri: UriCodec,
    repository_ref: StringCodec,
    runner_environment: StringCodec,
    signer_identity: StringCodec,
    sigstore_url: HostnameCodec,
    attestation: ToolHiveAttestationCodec,
  },
  'ToolHiveProvenance',
)
/**
 * A value decoded by {@link ToolHiveProvenanceCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveProvenance = t.TypeOf<typeof ToolHiveProvenanceCodec>

/**
 * OAuth/OIDC settings of a remote server.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveOAuthConfigCodec = strictPartial(
  {
    issuer: UriCodec,
    authorize_url: UriCodec,
    token_url: UriCodec,
    client_id: StringCodec,
    scopes: arrayOf(StringCodec, 'Scopes'),
    use_pkce: BooleanCodec,
  },
  'ToolHiveOAuthConfig',
)
/**
 * A value decoded by {@link ToolHiveOAuthConfigCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveOAuthConfig = t.TypeOf<typeof ToolHiveOAuthConfigCodec>

const commonProps = {
  name: optional(StringCodec),
  description: Description,
  tier: ToolHiveTierCodec,
  status: ToolHiveStatusCodec,
  tools: Tools,
  metadata: optional(ToolHiveMetadataCodec),
  repository_url: optional(UriCodec),
  tags: optional(Tags),
  custom_metadata: optional(JsonObjectCodec),
  env_vars: optional(arrayOf(ToolHiveEnvVarCodec, 'EnvVars')),
}

/**
 * A container-image server entry (`servers.<key>`).
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveImageServerCodec = strictStruct(
  {
    ...commonProps,
    image: ToolHiveImageCodec,
    transport: stringEnum('ToolHiveTransport', ['stdio', 'sse', 'streamable-http']),
    target_port: optional(Port),
    permissions: optional(ToolHivePermissionsCodec),
    args: optional(arrayOf(StringCodec, 'Args')),
    docker_tags: optional(arrayOf(StringCodec, 'DockerTags', { unique: true })),
    provenance: optional(ToolHiveProvenanceCodec),
  },
  'ToolHiveImageServer',
)
/**
 * A value decoded by {@link ToolHiveImageServerCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveImageServer = t.TypeOf<typeof ToolHiveImageServerCodec>

/**
 * A remote server entry (`remote_servers.<key>`).
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveRemoteServerCodec = strictStruct(
  {
    ...commonProps,
    url: UriCodec,
    transport: stringEnum('ToolHiveRemoteTransport', ['sse', 'streamable-http']),
    headers: optional(arrayOf(ToolHiveHeaderCodec, 'Headers')),
    oauth_config: optional(ToolHiveOAuthConfigCodec),
  },
  'ToolHiveRemoteServer',
)
/**
 * A value decoded by {@link ToolHiveRemoteServerCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveRemoteServer = t.TypeOf<typeof ToolHiveRemoteServerCodec>
