/**
 * ToolHiveBytes: a ToolHive registry document serialised once, byte for byte as `JSON.stringify` writes it, with
 * the position of every entry of `servers` and `remote_servers`, so one entry is answered from a slice of the
 * document instead of from the document's objects. The document is written one entry at a time (ToolHiveWriter),
 * straight into deflated segments (SegmentedBytes): neither its objects nor its uncompressed bytes ever exist whole.
 *
 * JSON.stringify's order, kept: the head's fields, `servers`, `remote_servers`, the tail's fields; in each entry map
 * the keys that are array indices first, in numeric order, then the others in the order they come. Each map's entries
 * are written into segments of their own as they come; array-index keys, known only once every entry has come, are
 * held as text. The head (whose `last_updated` depends on every server) is known last: `finish` puts head, maps and
 * tail together without copying the maps' segments (SegmentedBytes.concat), then computes the strong ETag over the
 * result in order.
 */
import { createHash } from 'node:crypto'
import { strongEtag } from '../http/cached-body.js'
import { SegmentedBytes, SegmentWriter } from './segmented-bytes.js'

/** One entry of a ToolHive document: in `servers` (`image`) or `remote_servers` (`remote`) under `key`. */
export interface ToolHiveEntryPart {
  readonly kind: 'image' | 'remote'
  readonly key: string
  readonly entry: unknown
}

/** A ToolHive document in parts: the fields before `servers`, the entries in document order, the fields after. */
export interface ToolHiveParts {
  readonly head: Readonly<Record<string, unknown>>
  readonly entries: Iterable<ToolHiveEntryPart>
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

/**
 * One entry map being written: entries with array-index keys are kept apart as text (they go first); the others are
 * written to segments of their own (`out`) as `"key":json`, comma-separated, as they come.
 */
class EntryMapWriter {
  readonly indexed: { key: string; json: string; needsName: boolean }[] = []
  /** The entries written to `out`, at `start`..`end` of it. */
  readonly slots: { key: string; start: number; end: number; needsName: boolean }[] = []
  readonly out = new SegmentWriter()

  add(key: string, entry: unknown): void {
    const json = JSON.stringify(entry) as string | undefined
    if (json === undefined) return
    const needsName = typeof entry === 'object' && entry !== null && !Array.isArray(entry) && !('name' in entry)
    if (isArrayIndex(key)) {
      this.indexed.push({ key, json, needsName })
      return
    }
    this.out.write(`${this.slots.length > 0 ? ',' : ''}${JSON.stringify(key)}:`)
    const start = this.out.position
    this.out.write(json)
    this.slots.push({ key, start, end: this.out.position, needsName })
  }
}

/**
 * Writes a ToolHive document one entry at a time, in document order, and finishes it with its head and tail once
 * those are known: the result is exactly `JSON.stringify({...head, servers, remote_servers, ...tail})`.
 */
export class ToolHiveWriter {
  readonly #maps = { image: new EntryMapWriter(), remote: new EntryMapWriter() }

  add(part: ToolHiveEntryPart): void {
    this.#maps[part.kind].add(part.key, part.entry)
  }

  finish(head: object, tail: object): ToolHiveBytes {
    const { image, remote } = this.#maps
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
    // The document in parts: short texts between the maps' own segments.
    const parts: SegmentedBytes[] = []
    let position = 0
    let text = ''
    const write = (piece: string): void => {
      text += piece
      position += Buffer.byteLength(piece, 'utf8')
    }
    const flushText = (): void => {
      if (text !== '') parts.push(SegmentedBytes.compress(text))
      text = ''
    }
    let first = true
    const field = (key: string, value: unknown): void => {
      const json = JSON.stringify(value) as string | undefined
      if (json === undefined) return
      write(`${first ? '{' : ','}${JSON.stringify(key)}:${json}`)
      first = false
    }
    // A map: its array-index entries in numeric order (as text), then its other entries (its own segments).
    const writeMap = (map: EntryMapWriter): void => {
      map.indexed.sort((a, b) => Number(a.key) - Number(b.key))
      map.indexed.forEach((e, i) => {
        write(`${i > 0 ? ',' : ''}${JSON.stringify(e.key)}:`)
        const start = position
        write(e.json)
        place(e.key, start, position, e.needsName)
      })
      if (map.indexed.length > 0 && map.slots.length > 0) write(',')
      flushText()
      for (const s of map.slots) place(s.key, position + s.start, position + s.end, s.needsName)
      const stream = map.out.finish()
      parts.push(stream)
      position += stream.length
    }
    for (const [key, value] of Object.entries(head)) field(key, value)
    write(`${first ? '{' : ','}"servers":{`)
    writeMap(image)
    write('},"remote_servers":{')
    writeMap(remote)
    write('}')
    for (const [key, value] of Object.entries(tail)) field(key, value)
    write('}')
    flushText()
    const bytes = SegmentedBytes.concat(parts)
    const digest = createHash('sha256')
    for (const piece of bytes.pieces(0, bytes.length)) digest.update(piece)
    return new ToolHiveBytes(bytes, strongEtag(digest), index)
  }
}

export class ToolHiveBytes {
  readonly #slots: Slots

  /** `bytes`: the document, deflated in segments; `etag`: its strong ETag (ToolHiveWriter makes them). */
  constructor(readonly bytes: SegmentedBytes, readonly etag: string, slots: Slots) {
    this.#slots = slots
  }

  /** Writes the document of `parts` exactly as `JSON.stringify({...head, servers, remote_servers, ...tail})` would. */
  static write(parts: ToolHiveParts): ToolHiveBytes {
    const writer = new ToolHiveWriter()
    for (const part of parts.entries) writer.add(part)
    return writer.finish(parts.head, parts.tail)
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
