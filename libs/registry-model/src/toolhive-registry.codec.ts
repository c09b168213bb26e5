/**
 * The ToolHive registry document (`{version, last_updated, servers, remote_servers?, groups?}`), keyed by server
 * name. The top level is open (`$schema` and other keys are kept); the server maps reject keys that are not
 * ToolHive names, and groups are closed.
 */
import type * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { arrayOf, recordOf } from './collection.codec.js'
import { decodeWith } from './decode-failure.js'
import type { DecodeFailure } from './decode-failure.js'
import { DateTimeCodec } from './format.codec.js'
import { boundedString } from './string.codec.js'
import { openStruct, optional, strictStruct } from './struct.codec.js'
import { ToolHiveImageServerCodec, ToolHiveRemoteServerCodec, ToolHiveServerNameCodec } from './toolhive-server.codec.js'

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * `servers`: image server entries keyed by ToolHive name.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveImageServersCodec = recordOf(ToolHiveServerNameCodec, ToolHiveImageServerCodec, 'ToolHiveImageServers')

/**
 * `remote_servers`: remote server entries keyed by ToolHive name.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveRemoteServersCodec = recordOf(ToolHiveServerNameCodec, ToolHiveRemoteServerCodec, 'ToolHiveRemoteServers')

/**
 * A group of servers deployed together: `name` (`^[a-z0-9][a-z0-9-]*[a-z0-9]$`, ≤100), `description` (10–500),
 * optional `servers` and `remote_servers` maps.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveGroupCodec = strictStruct(
  {
    name: boundedString('ToolHiveGroupName', { minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*[a-z0-9]$' }),
    description: boundedString('ToolHiveDescription', { minLength: 10, maxLength: 500 }),
    servers: optional(ToolHiveImageServersCodec),
    remote_servers: optional(ToolHiveRemoteServersCodec),
  },
  'ToolHiveGroup',
)
/**
 * A value decoded by {@link ToolHiveGroupCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveGroup = t.TypeOf<typeof ToolHiveGroupCodec>

/**
 * The `groups` list; group names are unique.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveGroupsCodec = arrayOf(ToolHiveGroupCodec, 'ToolHiveGroups', { uniqueBy: { key: (g) => g.name, label: 'group name' } })

/**
 * A ToolHive registry file (`testdata/fixtures/toolhive-registry.json`): `version` (`N.N.N`), `last_updated`
 * (RFC 3339), `servers`, optional `remote_servers` and `groups`; other top-level keys (`$schema`) are kept.
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveRegistryCodec = openStruct(
  {
    version: boundedString('RegistryVersion', { pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    last_updated: DateTimeCodec,
    servers: ToolHiveImageServersCodec,
    remote_servers: optional(ToolHiveRemoteServersCodec),
    groups: optional(ToolHiveGroupsCodec),
  },
  'ToolHiveRegistry',
)
/**
 * A value decoded by {@link ToolHiveRegistryCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveRegistry = t.TypeOf<typeof ToolHiveRegistryCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Decodes a ToolHive registry document.
 *
 * @example
 * pipe(parseJson(raw), E.chainW(decodeToolHiveRegistry)) // Either<JsonParseError | DecodeFailure, ToolHiveRegistry>
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeToolHiveRegistry: (u: unknown) => E.Either<DecodeFailure, ToolHiveRegistry> = decodeWith(ToolHiveRegistryCodec)
