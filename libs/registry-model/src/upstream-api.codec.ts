/**
 * Upstream MCP Registry API envelopes: `ServerResponse` (`{server, _meta}` with the registry-managed
 * `io.modelcontextprotocol.registry/official` block) and `ServerList` (`{servers, metadata}`).
 */
import type * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { arrayOf } from './collection.codec.js'
import { decodeWith } from './decode-failure.js'
import type { DecodeFailure } from './decode-failure.js'
import { DateTimeCodec } from './format.codec.js'
import { ServerJsonCodec } from './server-json.codec.js'
import { BooleanCodec, boundedString, integerRange, StringCodec, stringEnum } from './string.codec.js'
import { openStruct, optional, strictStruct } from './struct.codec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The response `_meta` key holding registry-managed metadata; every upstream list item carries it (clients crash
 * without it, modelcontextprotocol/registry#659).
 *
 * @category model
 * @since 0.1.0
 */
export const OfficialMetaKey = 'io.modelcontextprotocol.registry/official'

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * A server version's lifecycle status: `active`, `deprecated` or `deleted`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ServerStatusCodec = stringEnum('ServerStatus', ['active', 'deprecated', 'deleted'])
/**
 * A value decoded by {@link ServerStatusCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ServerStatus = t.TypeOf<typeof ServerStatusCodec>

/**
 * Registry-managed metadata (closed, as in the OpenAPI): `status`, `statusMessage?` (≤500), `statusChangedAt?`,
 * `publishedAt`, `updatedAt` (RFC 3339) and `isLatest`.
 *
 * @category instances
 * @since 0.1.0
 */
export const OfficialMetaCodec = strictStruct(
  {
    status: ServerStatusCodec,
    statusMessage: optional(boundedString('StatusMessage', { maxLength: 500 })),
    statusChangedAt: optional(DateTimeCodec),
    publishedAt: DateTimeCodec,
    updatedAt: DateTimeCodec,
    isLatest: BooleanCodec,
  },
  'OfficialMeta',
)
/**
 * A value decoded by {@link OfficialMetaCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type OfficialMeta = t.TypeOf<typeof OfficialMetaCodec>

/**
 * The response-level `_meta`: the official block (required) plus any other registry's keys (kept verbatim).
 *
 * @category instances
 * @since 0.1.0
 */
export const ServerResponseMetaCodec = openStruct({ [OfficialMetaKey]: OfficialMetaCodec }, 'ServerResponseMeta')
/**
 * A value decoded by {@link ServerResponseMetaCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ServerResponseMeta = t.TypeOf<typeof ServerResponseMetaCodec>

/**
 * One server version as the API serves it: `{server: ServerJson, _meta: {"io.modelcontextprotocol.registry/official": …}}`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ServerResponseCodec = strictStruct({ server: ServerJsonCodec, _meta: ServerResponseMetaCodec }, 'ServerResponse')
/**
 * A value decoded by {@link ServerResponseCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ServerResponse = t.TypeOf<typeof ServerResponseCodec>

/**
 * `name@version` of a response: the identity of a server version (used to reject duplicates in lists).
 *
 * @category utils
 * @since 0.1.0
 */
export function serverVersionKey(entry: { readonly server: { readonly name: string; readonly version: string } }): string {
  return `${entry.server.name}@${entry.server.version}`
}

/**
 * A list of server versions with no repeated `name@version`.
 *
 * @category instances
 * @since 0.1.0
 */
export const ServerResponsesCodec = arrayOf(ServerResponseCodec, 'ServerResponses', {
  uniqueBy: { key: serverVersionKey, label: 'name@version' },
})

/**
 * List metadata: `count` (items in this page) and `nextCursor` (present only when more remain).
 *
 * @category instances
 * @since 0.1.0
 */
export const ServerListMetadataCodec = strictStruct(
  { nextCursor: optional(StringCodec), count: integerRange('Count', 0) },
  'ServerListMetadata',
)
/**
 * A value decoded by {@link ServerListMetadataCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ServerListMetadata = t.TypeOf<typeof ServerListMetadataCodec>

/**
 * The list envelope `{servers: ServerResponse[], metadata: {nextCursor?, count}}`; `name@version` is unique.
 *
 * @category instances
 * @since 0.1.0
 */
export const ServerListCodec = strictStruct({ servers: ServerResponsesCodec, metadata: ServerListMetadataCodec }, 'ServerList')
/**
 * A value decoded by {@link ServerListCodec}.
 *
 * @category model
 * @since 0.1.0
 */
export type ServerList = t.TypeOf<typeof ServerListCodec>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Decodes one `ServerResponse`.
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeServerResponse: (u: unknown) => E.Either<DecodeFailure, ServerResponse> = decodeWith(ServerResponseCodec)

/**
 * Decodes a `ServerList` envelope.
 *
 * @category utils
 * @since 0.1.0
 */
export const decodeServerList: (u: unknown) => E.Either<DecodeFailure, ServerList> = decodeWith(ServerListCodec)
