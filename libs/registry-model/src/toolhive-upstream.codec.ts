/**
 * ToolHive's upstream registry wrapper (`toolhive-core` `UpstreamRegistry`):
 * `{$schema?, version, meta: {last_updated}, data: {servers: server.json[], skills?, plugins?}}`.
 */
import type * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { arrayOf } from './collection.codec.js'
import { decodeWith } from './decode-failure.js'
import type { DecodeFailure } from './decode-failure.js'
import { DateTimeCodec, UriCodec } from './format.codec.js'
import { ServerJsonCodec } from './server-json.codec.js'
import { boundedString } from './string.codec.js'
import { optional, strictStruct } from './struct.codec.js'

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * A JSON array of `server.json` documents with no repeated `name@version`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ServerJsonArrayCodec = arrayOf(ServerJsonCodec, 'ServerJsonArray', {
  uniqueBy: { key: (s) => `${s.name}@${s.version}`, label: 'name@version' },
})
/**
 * A value decoded by {@link ServerJsonArrayCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ServerJsonArray = t.TypeOf<typeof ServerJsonArrayCodec>

/**
 * The wrapper's `meta`: `{last_updated}` (RFC 3339).
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveUpstreamMetaCodec = strictStruct({ last_updated: DateTimeCodec }, 'ToolHiveUpstreamMeta')
/**
 * A value decoded by {@link ToolHiveUpstreamMetaCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveUpstreamMeta = t.TypeOf<typeof ToolHiveUpstreamMetaCodec>

/**
 * The wrapper's `data`: `servers` (required), and `skills`/`plugins` (newer toolhive-core files; carried opaque).
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveUpstreamDataCodec = strictStruct(
  {
    servers: ServerJsonArrayCodec,
    skills: optional(arrayOf(t.unknown, 'Skills')),
    plugins: optional(arrayOf(t.unknown, 'Plugins')),
  },
  'ToolHiveUpstreamData',
)
/**
 * A value decoded by {@link ToolHiveUpstreamDataCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveUpstreamData = t.TypeOf<typeof ToolHiveUpstreamDataCodec>

/**
 * ToolHive's upstream registry file (`testdata/fixtures/toolhive-upstream-registry-2025-12-11.json`).
 *
 * @category instances
 * @since 0.1.0
 */
export const ToolHiveUpstreamRegistryCodec = strictStruct(
  {
    $schema: optional(UriCodec),
    version: boundedString('RegistryVersion', { pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    meta: ToolHiveUpstreamMetaCodec,
    data: ToolHiveUpstreamDataCodec,
  },
  'ToolHiveUpstreamRegistry',
)
/**
 * A value decoded by {@link ToolHiveUpstreamRegistryCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ToolHiveUpstreamRegistry = t.TypeOf<typeof ToolHiveUpstreamRegistryCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Decodes ToolHive's upstream registry wrapper.
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeToolHiveUpstreamRegistry: (u: unknown) => E.Either<DecodeFailure, ToolHiveUpstreamRegistry> =
  decodeWith(ToolHiveUpstreamRegistryCodec)

/**
 * Decodes a JSON array of `server.json` documents.
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeServerJsonArray: (u: unknown) => E.Either<DecodeFailure, ServerJsonArray> = decodeWith(ServerJsonArrayCodec)
