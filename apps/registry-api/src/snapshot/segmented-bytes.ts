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
  readonly #compressed: readonly Buffer[]
  /** Segment `i` is `#parts[i]` bytes `#offsets[i]`..`#offsets[i + 1]` (or to its end, for the part's last segment). */
  readonly #part: Uint32Array
  readonly #offsets: Float64Array
  /** Segment `i` holds bytes `#starts[i]`..`#starts[i + 1]` of the string (`#starts` ends with the length). */
  readonly #starts: Float64Array
  readonly #recent = new Map<number, Buffer>()

  private constructor(readonly length: number, compressed: readonly Buffer[], part: Uint32Array, offsets: Float64Array, starts: Float64Array) {
    this.#compressed = compressed
    this.#part = part
    this.#offsets = offsets
    this.#starts = starts
  }

  /**
   * A byte string of `length` bytes from its segments, each deflated (raw) on its own and laid out one after the other
   * in `slabs`: segment `i` starts at `offsets[i]` of slab `slab[i]` and ends where the next segment of that slab
   * starts (or at the slab's end); every segment but the last holds `SegmentBytes` (what SegmentWriter produces).
   */
  static fromSlabs(length: number, slabs: readonly Buffer[], slab: Uint32Array, offsets: Float64Array): SegmentedBytes {
    const count = slab.length
    const starts = new Float64Array(count + 1)
    for (let i = 0; i < count; i++) starts[i] = i * SegmentBytes
    starts[count] = length
    return new SegmentedBytes(length, slabs, slab, offsets, starts)
  }

  /** Compresses `bytes` segment by segment. */
  static compress(bytes: Buffer | string): SegmentedBytes {
    const writer = new SegmentWriter()
    writer.write(bytes)
    return writer.finish()
  }

  /**
   * `parts` one after the other, without inflating or copying any segment (the result shares their compressed
   * bytes): how a document whose head is known only at the end is put together from parts written in any order.
   */
  static concat(parts: readonly SegmentedBytes[]): SegmentedBytes {
    const used = parts.filter((p) => p.length > 0)
    const count = used.reduce((n, p) => n + p.#part.length, 0)
    const compressed: Buffer[] = []
    const part = new Uint32Array(count)
    const offsets = new Float64Array(count)
    const starts = new Float64Array(count + 1)
    let segment = 0
    let length = 0
    for (const p of used) {
      for (let i = 0; i < p.#part.length; i++, segment++) {
        part[segment] = compressed.length + (p.#part[i] as number)
        offsets[segment] = p.#offsets[i] as number
        starts[segment] = length + (p.#starts[i] as number)
      }
      compressed.push(...p.#compressed)
      length += p.length
    }
    starts[count] = length
    return new SegmentedBytes(length, compressed, part, offsets, starts)
  }

  /** Compressed bytes held. */
  get compressedLength(): number {
    return this.#compressed.reduce((n, b) => n + b.length, 0)
  }

  /** A copy of bytes `start`..`end` (it pins no segment). */
  copy(start: number, end: number): Buffer {
    return Buffer.from(this.slice(start, end))
  }

  /** Bytes `start`..`end`: a view of an inflated segment when they lie in one, valid until the next read. */
  slice(start: number, end: number): Buffer {
    this.#check(start, end)
    if (start === end) return Buffer.alloc(0)
    const first = this.#segmentAt(start)
    const last = this.#segmentAt(end - 1)
    const base = this.#starts[first] as number
    if (first === last) return this.#segment(first).subarray(start - base, end - base)
    const parts: Buffer[] = []
    for (let i = first; i <= last; i++) parts.push(this.#segment(i))
    return Buffer.concat(parts).subarray(start - base, end - base)
  }

  /** Bytes `start`..`end` as consecutive pieces, inflating one segment at a time (for streaming a large range). */
  *pieces(start: number, end: number): Generator<Buffer> {
    this.#check(start, end)
    if (start === end) return
    for (let i = this.#segmentAt(start); i < this.#part.length && (this.#starts[i] as number) < end; i++) {
      const base = this.#starts[i] as number
      yield this.#inflate(i).subarray(Math.max(0, start - base), Math.min(this.#segmentLength(i), end - base))
    }
  }

  /** All the bytes, inflated into one new buffer. */
  all(): Buffer {
    const out = Buffer.allocUnsafe(this.length)
    for (let i = 0; i < this.#part.length; i++) this.#inflate(i).copy(out, this.#starts[i] as number)
    return out
  }

  #check(start: number, end: number): void {
    if (start < 0 || end > this.length || start > end) throw new RangeError(`range ${start}..${end} outside 0..${this.length}`)
  }

  /** The segment holding byte `at` (0 <= at < length). */
  #segmentAt(at: number): number {
    let lo = 0
    let hi = this.#part.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if ((this.#starts[mid] as number) <= at) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  #segmentLength(i: number): number {
    return (this.#starts[i + 1] as number) - (this.#starts[i] as number)
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
    const compressed = this.#compressed[this.#part[i] as number] as Buffer
    const next = i + 1 < this.#part.length && this.#part[i + 1] === this.#part[i] ? (this.#offsets[i + 1] as number) : compressed.length
    // One output buffer of a whole segment, instead of zlib's 16 KiB chunks concatenated into a fifth allocation.
    return inflateRawSync(compressed.subarray(this.#offsets[i] as number, next), { chunkSize: Math.max(64, this.#segmentLength(i)) })
  }
}

/** Compressed segments are copied into slabs of this size as they are made (one allocation per slab, not per segment). */
const SlabBytes = 1024 * 1024

/**
 * Builds a SegmentedBytes from text written piece by piece: only the segment being filled is uncompressed, so a
 * large byte string never exists whole while it is built. Compressed segments go into 1 MiB slabs as they are made:
 * neither a buffer per segment (each its own allocation, a page-rounded mapping above glibc's mmap threshold) nor a
 * concatenation at the end (which would hold every compressed byte twice until the parts are collected).
 */
export class SegmentWriter {
  readonly #segment = Buffer.allocUnsafe(SegmentBytes)
  #filled = 0
  #length = 0
  readonly #slabs: Buffer[] = []
  #slab: Buffer | undefined
  #slabUsed = 0
  readonly #slabOf: number[] = []
  readonly #offsets: number[] = []

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
    if (this.#slab !== undefined) {
      // The last slab is cut to what it holds (a small document must not keep a whole slab).
      this.#slabs.push(Buffer.from(this.#slab.subarray(0, this.#slabUsed)))
      this.#slab = undefined
    }
    return SegmentedBytes.fromSlabs(this.#length, this.#slabs, Uint32Array.from(this.#slabOf), Float64Array.from(this.#offsets))
  }

  #flush(): void {
    const part = deflateRawSync(this.#segment.subarray(0, this.#filled), { level: LEVEL })
    if (this.#slab === undefined || this.#slabUsed + part.length > this.#slab.length) {
      if (this.#slab !== undefined) this.#slabs.push(this.#slab.subarray(0, this.#slabUsed))
      this.#slab = Buffer.allocUnsafeSlow(Math.max(SlabBytes, part.length))
      this.#slabUsed = 0
    }
    part.copy(this.#slab, this.#slabUsed)
    this.#slabOf.push(this.#slabs.length)
    this.#offsets.push(this.#slabUsed)
    this.#slabUsed += part.length
    this.#filled = 0
  }
}
