/** The typed failure of snapshot building: which step failed, why, and the condition reason to report. */

/**
 * What went wrong while building a snapshot:
 * - `InvalidJson`: the raw bytes are not JSON (`byteOffset` says where);
 * - `UnknownFormat`: the JSON is in no supported registry format;
 * - `FormatMismatch`: the data is not in the declared `spec.source.format`;
 * - `InvalidData`: the document does not validate (every path is in the message);
 * - `DuplicateServer`: two entries have the same name and version;
 * - `InvalidFilter`: a filter glob is invalid.
 *
 * @category snapshot
 * @since 0.1.0
 */
export type SnapshotErrorCode = 'InvalidJson' | 'UnknownFormat' | 'FormatMismatch' | 'InvalidData' | 'DuplicateServer' | 'InvalidFilter'

/**
 * The MCPRegistry condition reason for each {@link SnapshotErrorCode} (`DataValid` False with this reason).
 *
 * @category snapshot
 * @since 0.1.0
 */
export const SnapshotErrorReasons: Readonly<Record<SnapshotErrorCode, 'InvalidJson' | 'FormatMismatch' | 'InvalidData' | 'InvalidFilter'>> = {
  InvalidJson: 'InvalidJson',
  UnknownFormat: 'InvalidData',
  FormatMismatch: 'FormatMismatch',
  InvalidData: 'InvalidData',
  DuplicateServer: 'InvalidData',
  InvalidFilter: 'InvalidFilter',
}

/**
 * Why {@link buildSnapshot} produced no snapshot. `message` is one sentence naming the place (byte offset, field
 * paths, duplicate name); `cause` is the underlying typed error (a `JsonParseError`, `DecodeFailure`,
 * `UnknownFormatError`, `FormatMismatchError` or `InvalidFilterError`).
 *
 * @category errors
 * @since 0.1.0
 */
export class SnapshotError extends Error {
  constructor(
    /** What failed; stable. */
    readonly code: SnapshotErrorCode,
    message: string,
    options: {
      readonly cause?: unknown
      /** Byte offset into the raw source, for `InvalidJson`. */
      readonly byteOffset?: number | undefined
      /** The offending `name@version`, for `DuplicateServer`. */
      readonly server?: string | undefined
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SnapshotError'
    this.byteOffset = options.byteOffset
    this.server = options.server
  }
  /** Byte offset into the raw source, for `InvalidJson`. */
  readonly byteOffset: number | undefined
  /** The offending `name@version`, for `DuplicateServer`. */
  readonly server: string | undefined
  /** The MCPRegistry condition reason to report for this error. */
  get reason(): (typeof SnapshotErrorReasons)[SnapshotErrorCode] {
    return SnapshotErrorReasons[this.code]
  }
}
