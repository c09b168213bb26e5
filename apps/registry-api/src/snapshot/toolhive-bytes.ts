/**
 * ToolHiveBytes: a ToolHive registry document serialised once, byte for byte as `JSON.stringify` writes it, with
 * the position of every entry of `servers` and `remote_servers`, so one entry is answered from a slice of the
 * document instead of from the document's objects. The document is written from its parts (`ToolHiveParts`),
 * one entry at a time, straight into deflated segments (SegmentedBytes) while its strong ETag is computed: neither
 * its objects nor its uncompressed bytes ever exist whole.
 *
 * JSON.stringify's order, kept: the head's fields, `servers`, `remote_servers`, the tail's fields; in each entry map
 * the keys that are array indices first, in numeric order, then the others in the order they come. The `servers`
 * entries are written into the document as they come, the `remote_servers` entries (which may come between them)
 * into segments of their own, copied in after `servers`; array-index keys, known only once every entry has come, are
 * held as text and written before the rest of their map (for `servers`, by copying the document written so far into
 * a new one: rare, a key is the last part of a server name).
 */
import { createHash } from 'node:crypto'
import { strongEtag } from '../http/cached-body.js'
import { SegmentWriter, type SegmentedBytes } from './segmented-bytes.js'

/** A ToolHive document in parts: the fields before `servers`, the entries in document order, the fields after. */
export interface ToolHiveParts {
  readonly head: Readonly<Record<string, unknown>>
  readonly entries: Iterable<{ readonly kind: 'image' | 'remote'; readonly key: string; readonly entry: unknown }>
  readonly tail: Readonly<Record<string, unknown>>
}

/**
 * Entry positions: key to slot number; slot `i` spans bytes `starts[i]`..`ends[i]`, and `needsName[i]` is 1 when
 * the entry is an object without a `name` key (its answer gets `name` set to its key). Typed arrays keep a
 * 100,000-entry document's index to a few MiB.
 */
interface Slots {
  readonly byKey: ReadonlyMap<string, number>
  readonly starts: Float64Array
  readonly ends: Float64Array
  readonly needsName: Uint8Array
}

/** Whether `key` is an array index: JSON.stringify writes such keys of an object first, in numeric order. */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1
}

/** Where entry text goes: a SegmentWriter, or the document's writer. */
interface TextSink {
  readonly position: number
  write(text: string): void
}

/** The document being written: segments, and the SHA-256 of every byte written, for its ETag. */
class DocumentWriter implements TextSink {
  readonly #out = new SegmentWriter()
  readonly #digest = createHash('sha256')

  get position(): number {
    return this.#out.position
  }

  write(piece: string | Buffer): void {
    this.#out.write(piece)
    this.#digest.update(piece)
  }

  /** Appends bytes `start`..`end` of `bytes`, one inflated segment at a time. */
  copy(bytes: SegmentedBytes, start: number, end: number): void {
    for (const piece of bytes.pieces(start, end)) this.write(piece)
  }

  finish(): { readonly bytes: SegmentedBytes; readonly etag: string } {
    return { bytes: this.#out.finish(), etag: strongEtag(this.#digest) }
  }
}

/**
 * One entry map being written: entries with array-index keys are kept apart as text (they go first); the others are
 * written to `out` as `"key":json`, comma-separated, as they come, from `from` on.
 */
class EntryMapWriter {
  readonly indexed: { key: string; json: string; needsName: boolean }[] = []
  /** The entries written to `out`: `start`..`end` are relative to `from`. */
  readonly slots: { key: string; start: number; end: number; needsName: boolean }[] = []
  readonly from: number

  constructor(private readonly out: TextSink) {
    this.from = out.position
  }

  add(key: string, entry: unknown): void {
    const json = JSON.stringify(entry) as string | undefined
    if (json === undefined) return
    const needsName = typeof entry === 'object' && entry !== null && !Array.isArray(entry) && !('name' in entry)
    if (isArrayIndex(key)) {
      this.indexed.push({ key, json, needsName })
      return
    }
    this.out.write(`${this.slots.length > 0 ? ',' : ''}${JSON.stringify(key)}:`)
    const start = this.out.position - this.from
    this.out.write(json)
    this.slots.push({ key, start, end: this.out.position - this.from, needsName })
  }

  /** Bytes written to `out`. */
  get streamLength(): number {
    return this.out.position - this.from
  }
}

export class ToolHiveBytes {
  readonly #slots: Slots

  /** `bytes`: the document, deflated in segments; `etag`: its strong ETag. */
  private constructor(readonly bytes: SegmentedBytes, readonly etag: string, slots: Slots) {
    this.#slots = slots
  }

  /** Writes the document of `parts` exactly as `JSON.stringify({...head, servers, remote_servers, ...tail})` would. */
  static write(parts: ToolHiveParts): ToolHiveBytes {
    let doc = new DocumentWriter()
    let first = true
    const field = (key: string, value: unknown): void => {
      const json = JSON.stringify(value) as string | undefined
      if (json === undefined) return
      doc.write(`${first ? '{' : ','}${JSON.stringify(key)}:${json}`)
      first = false
    }
    for (const [key, value] of Object.entries(parts.head)) field(key, value)
    doc.write(`${first ? '{' : ','}"servers":{`)
    const remoteOut = new SegmentWriter()
    const maps = { image: new EntryMapWriter(doc), remote: new EntryMapWriter(remoteOut) }
    for (const { kind, key, entry } of parts.entries) maps[kind].add(key, entry)
    const { image, remote } = maps

    const slotCount = image.slots.length + image.indexed.length + remote.slots.length + remote.indexed.length
    const index: Slots = {
      byKey: new Map(), starts: new Float64Array(slotCount), ends: new Float64Array(slotCount), needsName: new Uint8Array(slotCount),
    }
    const byKey = index.byKey as Map<string, number>
    let slot = 0
    const place = (key: string, start: number, end: number, needsName: boolean): void => {
      index.starts[slot] = start
      index.ends[slot] = end
      index.needsName[slot] = needsName ? 1 : 0
      // `servers` wins over `remote_servers` for a key in both, as a lookup in that order does.
      if (!byKey.has(key)) byKey.set(key, slot)
      slot++
    }
    // Writes a map's array-index entries in numeric order, and the comma before its other entries when it has both.
    const writeIndexed = (map: EntryMapWriter): void => {
      map.indexed.sort((a, b) => Number(a.key) - Number(b.key))
      map.indexed.forEach((e, i) => {
        doc.write(`${i > 0 ? ',' : ''}${JSON.stringify(e.key)}:`)
        const start = doc.position
        doc.write(e.json)
        place(e.key, start, doc.position, e.needsName)
      })
      if (map.indexed.length > 0 && map.slots.length > 0) doc.write(',')
    }
    const placeStream = (map: EntryMapWriter, at: number): void => {
      for (const s of map.slots) place(s.key, at + s.start, at + s.end, s.needsName)
    }

    let imageAt = image.from
    if (image.indexed.length > 0) {
      // The document so far is the head and the other `servers` entries: copied into a new one, indexed entries first.
      const written = doc.finish().bytes
      doc = new DocumentWriter()
      doc.copy(written, 0, image.from)
      writeIndexed(image)
      imageAt = doc.position
      doc.copy(written, image.from, written.length)
    }
    placeStream(image, imageAt)
    doc.write('},"remote_servers":{')
    writeIndexed(remote)
    placeStream(remote, doc.position)
    doc.copy(remoteOut.finish(), 0, remote.streamLength)
    doc.write('}')
    for (const [key, value] of Object.entries(parts.tail)) field(key, value)
    doc.write('}')
    const { bytes, etag } = doc.finish()
    return new ToolHiveBytes(bytes, etag, index)
  }

  /** Uncompressed size of the document. */
  get length(): number {
    return this.bytes.length
  }

  /** Whether the document has an entry with key `key`. */
  has(key: string): boolean {
    return this.#slots.byKey.has(key)
  }

  /** The keys of every entry. */
  keys(): IterableIterator<string> {
    return this.#slots.byKey.keys()
  }

  /**
   * The entry `key` as served alone (a copy, read from the segments it spans): its JSON, with `"name":key` first when
   * it has no `name`; undefined when absent.
   */
  entry(key: string): Buffer | undefined {
    const slot = this.#slots.byKey.get(key)
    if (slot === undefined) return undefined
    const start = this.#slots.starts[slot] as number
    const end = this.#slots.ends[slot] as number
    if (this.#slots.needsName[slot] === 0) return this.bytes.copy(start, end)
    const head = Buffer.from(`{"name":${JSON.stringify(key)}${end - start > 2 ? ',' : ''}`)
    return Buffer.concat([head, this.bytes.slice(start + 1, end)])
  }
}
