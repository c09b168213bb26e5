/** Recognising which registry format a parsed JSON document is in. */
import * as E from 'fp-ts/lib/Either.js'

/**
 * The registry document shapes {@link detectFormat} recognises:
 * - `toolhive`: ToolHive's registry (`{version, last_updated, servers: {<key>: …}, remote_servers?, groups?}`);
 * - `upstream-array`: a JSON array of upstream `server.json` objects;
 * - `upstream-list`: the upstream API list envelope `{servers: [{server, _meta}], metadata}`;
 * - `toolhive-upstream`: ToolHive's upstream wrapper `{$schema, version, meta, data: {servers: [server.json]}}`;
 * - `legacy`: the 2025-05-16 snake_case seed (an array of `{id, name, version_detail, packages: [{registry_name…}]}`).
 *
 * @category formats
 * @since 0.1.0
 */
export type DocumentFormat = 'toolhive' | 'upstream-array' | 'upstream-list' | 'toolhive-upstream' | 'legacy'

/**
 * The `spec.source.format` values: `toolhive`, or `upstream` for every upstream shape (legacy included).
 *
 * @category formats
 * @since 0.1.0
 */
export type RegistryFormat = 'toolhive' | 'upstream'

/**
 * The document matches none of the supported shapes.
 *
 * @category errors
 * @since 0.1.0
 */
export class UnknownFormatError extends Error {
  /** Stable error code. */
  readonly code = 'UnknownFormat'
  constructor(readonly reason: string) {
    super(`Registry data is in no supported format: ${reason}`)
    this.name = 'UnknownFormatError'
  }
}

/**
 * The source declares one format (`spec.source.format`) and the data is in another.
 *
 * @category errors
 * @since 0.1.0
 */
export class FormatMismatchError extends Error {
  /** Stable error code. */
  readonly code = 'FormatMismatch'
  constructor(readonly declared: RegistryFormat, readonly detected: DocumentFormat) {
    super(`Registry data is declared as ${declared} but is in ${describeFormat(detected)} format`)
    this.name = 'FormatMismatchError'
  }
}

const FORMAT_NAMES: Readonly<Record<DocumentFormat, string>> = {
  toolhive: 'ToolHive registry',
  'upstream-array': 'upstream server.json array',
  'upstream-list': 'upstream API list',
  'toolhive-upstream': "ToolHive's upstream registry wrapper",
  legacy: 'legacy 2025-05-16 snake_case',
}

/**
 * A human name for a document format (`upstream API list`).
 *
 * @category formats
 * @since 0.1.0
 */
export function describeFormat(format: DocumentFormat): string {
  return FORMAT_NAMES[format]
}

/**
 * The `spec.source.format` family of a document format: `toolhive` or `upstream`.
 *
 * @category formats
 * @since 0.1.0
 */
export function registryFormatOf(format: DocumentFormat): RegistryFormat {
  return format === 'toolhive' ? 'toolhive' : 'upstream'
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)

/** Keys that exist only in the pre-2025-07 snake_case server shape. */
const isLegacyEntry = (u: unknown): boolean =>
  isRecord(u) &&
  ('version_detail' in u ||
    (Array.isArray(u['packages']) && u['packages'].some((p) => isRecord(p) && ('registry_name' in p || 'environment_variables' in p))) ||
    (Array.isArray(u['remotes']) && u['remotes'].some((r) => isRecord(r) && 'transport_type' in r)))

/**
 * Detects the format of a parsed registry document from its shape alone (validation comes later, so a document
 * in a known shape with bad fields still detects, and its decode reports the fields). An empty array is an
 * upstream array.
 *
 * @returns a Left {@link UnknownFormatError} saying what the top level looked like.
 * @example
 * detectFormat({ version: '1.0.0', last_updated: '2025-09-30T00:17:43Z', servers: {} }) // right('toolhive')
 * @category formats
 * @since 0.1.0
 */
export function detectFormat(doc: unknown): E.Either<UnknownFormatError, DocumentFormat> {
  if (Array.isArray(doc)) return E.right(doc.some(isLegacyEntry) ? 'legacy' : 'upstream-array')
  if (!isRecord(doc)) return E.left(new UnknownFormatError(`the top level is ${doc === null ? 'null' : typeof doc}, not an object or array`))
  const servers = doc['servers']
  if (isRecord(servers) || isRecord(doc['remote_servers'])) return E.right('toolhive')
  if (Array.isArray(servers)) {
    if (servers.some(isLegacyEntry)) return E.right('legacy')
    return E.right('upstream-list')
  }
  if (isRecord(doc['data']) && Array.isArray(doc['data']['servers'])) return E.right('toolhive-upstream')
  if ('last_updated' in doc && 'version' in doc) return E.right('toolhive')
  const keys = Object.keys(doc).slice(0, 5).map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k))
  return E.left(new UnknownFormatError(
    `expected "servers" (an object for ToolHive, an array for the upstream API list) or "data.servers"; found ${keys.length === 0 ? 'an empty object' : `keys ${keys.join(', ')}`}`,
  ))
}

/**
 * {@link detectFormat}, then checks the result against a declared `spec.source.format` (when given).
 *
 * @returns a Left {@link FormatMismatchError} when the data is not in the declared family.
 * @category formats
 * @since 0.1.0
 */
export function detectDeclaredFormat(
  doc: unknown,
  declared?: RegistryFormat | undefined,
): E.Either<UnknownFormatError | FormatMismatchError, DocumentFormat> {
  const detected = detectFormat(doc)
  if (E.isLeft(detected) || declared === undefined || registryFormatOf(detected.right) === declared) return detected
  return E.left(new FormatMismatchError(declared, detected.right))
}
