/**
 * The legacy snake_case server format of the 2025-05-16 upstream seed (decode only, for `importLegacy`).
 * Real data breaks that era's own enums (`registry_name: "unknown"`, empty names and transport types), so
 * values are plain strings here and the importer reports what cannot be carried; objects are open.
 */
import type * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { arrayOf, recordOf } from './collection.codec.js'
import { decodeWith } from './decode-failure.js'
import type { DecodeFailure } from './decode-failure.js'
import { BooleanCodec, StringCodec } from './string.codec.js'
import { openStruct, optional } from './struct.codec.js'

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

const legacyInputProps = {
  description: optional(StringCodec),
  format: optional(StringCodec),
  value: optional(StringCodec),
  default: optional(StringCodec),
  is_required: optional(BooleanCodec),
  is_secret: optional(BooleanCodec),
  choices: optional(arrayOf(StringCodec, 'Choices')),
}

const LegacyInputCodec = openStruct(legacyInputProps, 'LegacyInput')

/**
 * A legacy argument or environment variable (`type`, `name`, `value_hint`, `is_required`, … in snake_case).
 *
 * @category instances
 * @since 0.1.0
 */
export const LegacyArgumentCodec = openStruct(
  {
    ...legacyInputProps,
    type: optional(StringCodec),
    name: optional(StringCodec),
    value_hint: optional(StringCodec),
    is_repeated: optional(BooleanCodec),
    variables: optional(recordOf(StringCodec, LegacyInputCodec, 'LegacyVariables')),
  },
  'LegacyArgument',
)
/**
 * A value decoded by {@link LegacyArgumentCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type LegacyArgument = t.TypeOf<typeof LegacyArgumentCodec>

const LegacyArguments = (name: string): ReturnType<typeof arrayOf<typeof LegacyArgumentCodec>> => arrayOf(LegacyArgumentCodec, name)

/**
 * A legacy package: `{registry_name, name, version, runtime_hint?, runtime_arguments?, package_arguments?,
 * environment_variables?}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const LegacyPackageCodec = openStruct(
  {
    registry_name: StringCodec,
    name: StringCodec,
    version: optional(StringCodec),
    runtime_hint: optional(StringCodec),
    runtime_arguments: optional(LegacyArguments('LegacyRuntimeArguments')),
    package_arguments: optional(LegacyArguments('LegacyPackageArguments')),
    environment_variables: optional(LegacyArguments('LegacyEnvironmentVariables')),
  },
  'LegacyPackage',
)
/**
 * A value decoded by {@link LegacyPackageCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type LegacyPackage = t.TypeOf<typeof LegacyPackageCodec>

/**
 * A legacy remote: `{transport_type, url, headers?}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const LegacyRemoteCodec = openStruct(
  { transport_type: StringCodec, url: StringCodec, headers: optional(LegacyArguments('LegacyHeaders')) },
  'LegacyRemote',
)
/**
 * A value decoded by {@link LegacyRemoteCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type LegacyRemote = t.TypeOf<typeof LegacyRemoteCodec>

/**
 * A legacy server entry: `{id, name, description, repository?, version_detail: {version, release_date?,
 * is_latest?}, packages?, remotes?}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const LegacyServerCodec = openStruct(
  {
    id: optional(StringCodec),
    name: StringCodec,
    description: StringCodec,
    repository: optional(openStruct({ url: optional(StringCodec), source: optional(StringCodec), id: optional(StringCodec) }, 'LegacyRepository')),
    version_detail: openStruct(
      { version: StringCodec, release_date: optional(StringCodec), is_latest: optional(BooleanCodec) },
      'LegacyVersionDetail',
    ),
    packages: optional(arrayOf(LegacyPackageCodec, 'LegacyPackages')),
    remotes: optional(arrayOf(LegacyRemoteCodec, 'LegacyRemotes')),
  },
  'LegacyServer',
)
/**
 * A value decoded by {@link LegacyServerCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type LegacyServer = t.TypeOf<typeof LegacyServerCodec>

/**
 * A legacy seed file: a JSON array of {@link LegacyServerCodec} entries.
 *
 * @category instances
 * @since 0.1.0
 */
export const LegacyServerListCodec = arrayOf(LegacyServerCodec, 'LegacyServerList')
/**
 * A value decoded by {@link LegacyServerListCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type LegacyServerList = t.TypeOf<typeof LegacyServerListCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Decodes a legacy 2025-05-16 seed file.
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeLegacyServerList: (u: unknown) => E.Either<DecodeFailure, LegacyServerList> = decodeWith(LegacyServerListCodec)
