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

  /** Compresses `bytes` segment by segment. */
  static compress(bytes: Buffer): SegmentedBytes {
    const count = Math.ceil(bytes.length / SegmentBytes)
    const parts: Buffer[] = []
    const offsets = new Float64Array(count + 1)
    let total = 0
    for (let i = 0; i < count; i++) {
      const part = deflateRawSync(bytes.subarray(i * SegmentBytes, (i + 1) * SegmentBytes), { level: LEVEL })
      parts.push(part)
      total += part.length
      offsets[i + 1] = total
    }
    return new SegmentedBytes(bytes.length, Buffer.concat(parts, total), offsets)
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
    return inflateRawSync(this.#compressed.subarray(this.#offsets[i], this.#offsets[i + 1]))
  }
}
