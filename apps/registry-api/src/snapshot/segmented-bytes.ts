/**
 * SegmentedBytes: a large byte string kept deflated in independent segments of `SegmentBytes`, so any range is
 * read back by inflating only the segments it spans (a 64 KiB segment inflates in well under a millisecond), while
 * the whole costs about a quarter of its size in memory.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'

/** Uncompressed bytes per segment. */
export const SegmentBytes = 64 * 1024

// Level 3 compresses registry JSON about 4:1 at several times the speed of level 6, which keeps swaps quick.
const LEVEL = 3

/** Inflated segments kept for the next read: a list page usually reads a few neighbouring segments. */
const RECENT = 4

export class SegmentedBytes {
  readonly #compressed: Buffer
  /** `offsets[i]`..`offsets[i + 1]` is segment `i` in `#compressed`. */
  readonly #offsets: Float64Array
  readonly #recent = new Map<number, Buffer>()

  private constructor(readonly length: number, compressed: Buffer, offsets: Float64Array) {
    this.#compressed = compressed
    this.#offsets = offsets
  }

  /**
   * A byte string of `length` bytes from its segments, each deflated (raw) on its own and concatenated in
   * `compressed`, segment `i` at `offsets[i]`..`offsets[i + 1]` (what SegmentWriter produces).
   */
  static fromSegments(length: number, compressed: Buffer, offsets: Float64Array): SegmentedBytes {
    return new SegmentedBytes(length, compressed, offsets)
  }

  /** Compresses `bytes` segment by segment. */
  static compress(bytes: Buffer): SegmentedBytes {
    const writer = new SegmentWriter()
    writer.write(bytes)
    return writer.finish()
  }

  /** Compressed bytes held. */
  get compressedLength(): number {
    return this.#compressed.length
  }

  /** A copy of bytes `start`..`end` (it pins no segment). */
  copy(start: number, end: number): Buffer {
    return Buffer.from(this.slice(start, end))
  }

  /** Bytes `start`..`end`: a view of an inflated segment when they lie in one, valid until the next read. */
  slice(start: number, end: number): Buffer {
    if (start < 0 || end > this.length || start > end) throw new RangeError(`slice ${start}..${end} outside 0..${this.length}`)
    if (start === end) return Buffer.alloc(0)
    const first = Math.floor(start / SegmentBytes)
    const last = Math.floor((end - 1) / SegmentBytes)
    const base = first * SegmentBytes
    if (first === last) return this.#segment(first).subarray(start - base, end - base)
    const parts: Buffer[] = []
    for (let i = first; i <= last; i++) parts.push(this.#segment(i))
    return Buffer.concat(parts).subarray(start - base, end - base)
  }

  /** Bytes `start`..`end` as consecutive pieces, inflating one segment at a time (for streaming a large range). */
  *pieces(start: number, end: number): Generator<Buffer> {
    if (start < 0 || end > this.length || start > end) throw new RangeError(`range ${start}..${end} outside 0..${this.length}`)
    for (let i = Math.floor(start / SegmentBytes); i * SegmentBytes < end; i++) {
      const base = i * SegmentBytes
      yield this.#inflate(i).subarray(Math.max(0, start - base), Math.min(SegmentBytes, end - base))
    }
  }

  /** All the bytes, inflated into one new buffer. */
  all(): Buffer {
    const out = Buffer.allocUnsafe(this.length)
    const count = this.#offsets.length - 1
    for (let i = 0; i < count; i++) this.#inflate(i).copy(out, i * SegmentBytes)
    return out
  }

  #segment(i: number): Buffer {
    const hit = this.#recent.get(i)
    if (hit !== undefined) return hit
    const bytes = this.#inflate(i)
    if (this.#recent.size >= RECENT) this.#recent.delete(this.#recent.keys().next().value as number)
    this.#recent.set(i, bytes)
    return bytes
  }

  #inflate(i: number): Buffer {
    // One output buffer of a whole segment, instead of zlib's 16 KiB chunks concatenated into a fifth allocation.
    return inflateRawSync(this.#compressed.subarray(this.#offsets[i], this.#offsets[i + 1]), { chunkSize: SegmentBytes })
  }
}

/**
 * Builds a SegmentedBytes from text written piece by piece: only the segment being filled is uncompressed, so a
 * large byte string never exists whole while it is built.
 */
export class SegmentWriter {
  readonly #segment = Buffer.allocUnsafe(SegmentBytes)
  #filled = 0
  #length = 0
  readonly #parts: Buffer[] = []
  readonly #offsets: number[] = [0]
  #compressed = 0

  /** Bytes written so far: the position the next write starts at. */
  get position(): number {
    return this.#length
  }

  /** Appends `piece` (UTF-8 text, or bytes). Text that fits the current segment is encoded straight into it. */
  write(piece: string | Buffer): void {
    if (typeof piece === 'string') {
      const n = Buffer.byteLength(piece, 'utf8')
      if (this.#filled + n < SegmentBytes) {
        this.#segment.write(piece, this.#filled, 'utf8')
        this.#filled += n
        this.#length += n
        return
      }
    }
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece
    let offset = 0
    while (offset < bytes.length) {
      const n = bytes.copy(this.#segment, this.#filled, offset)
      offset += n
      this.#filled += n
      if (this.#filled === SegmentBytes) this.#flush()
    }
    this.#length += bytes.length
  }

  /** The finished byte string. */
  finish(): SegmentedBytes {
    if (this.#filled > 0) this.#flush()
    return SegmentedBytes.fromSegments(this.#length, Buffer.concat(this.#parts, this.#compressed), Float64Array.from(this.#offsets))
  }

  #flush(): void {
    const part = deflateRawSync(this.#segment.subarray(0, this.#filled), { level: LEVEL })
    this.#parts.push(part)
    this.#compressed += part.length
    this.#offsets.push(this.#compressed)
    this.#filled = 0
  }
}
