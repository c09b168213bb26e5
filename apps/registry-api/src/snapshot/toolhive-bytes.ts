/**
 * ToolHiveBytes: a ToolHive registry document serialised once, byte for byte as `JSON.stringify` writes it, with
 * the position of every entry of `servers` and `remote_servers`, so one entry is answered from a slice of the
 * document instead of from the document's objects. The document is written from its parts (`ToolHiveParts`),
 * one entry at a time: its objects never exist whole.
 */

/** A ToolHive document in parts: the fields before `servers`, the entries in document order, the fields after. */
export interface ToolHiveParts {
  readonly head: Readonly<Record<string, unknown>>
  readonly entries: Iterable<{ readonly kind: 'image' | 'remote'; readonly key: string; readonly entry: unknown }>
  readonly tail: Readonly<Record<string, unknown>>
}

/** The entry maps in document order, by the kind of entry they hold. */
const ENTRY_MAPS = [['image', 'servers'], ['remote', 'remote_servers']] as const

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

/** Bytes appended in 1 MiB chunks: the written size is not known ahead and one growing buffer would copy it often. */
class ByteChunks {
  static readonly ChunkBytes = 1024 * 1024
  readonly #chunks: Buffer[] = []
  /** Bytes used of each chunk (a chunk is left partly unused when the next text does not fit it). */
  readonly #used: number[] = []
  length = 0

  write(text: string): void {
    const n = Buffer.byteLength(text, 'utf8')
    const last = this.#chunks.length - 1
    if (last >= 0 && (this.#used[last] as number) + n <= (this.#chunks[last] as Buffer).length) {
      ;(this.#chunks[last] as Buffer).write(text, this.#used[last] as number, 'utf8')
      this.#used[last] = (this.#used[last] as number) + n
    } else {
      const chunk = Buffer.allocUnsafe(Math.max(n, ByteChunks.ChunkBytes))
      chunk.write(text, 0, 'utf8')
      this.#chunks.push(chunk)
      this.#used.push(n)
    }
    this.length += n
  }

  /** Copies the bytes from `skip` on into `target` at `at`; returns the bytes copied. */
  copyTo(target: Buffer, at: number, skip: number): number {
    let copied = 0
    let toSkip = skip
    this.#chunks.forEach((chunk, i) => {
      const used = this.#used[i] as number
      if (toSkip >= used) {
        toSkip -= used
        return
      }
      copied += chunk.copy(target, at + copied, toSkip, used)
      toSkip = 0
    })
    return copied
  }
}

/** One entry map being written: its entries as `,"key":json` (array-index keys kept apart, they go first). */
class EntryMapWriter {
  readonly bytes = new ByteChunks()
  readonly indexed: { key: string; json: string; needsName: boolean }[] = []
  readonly slots: { key: string; start: number; end: number; needsName: boolean }[] = []

  add(key: string, entry: unknown): void {
    const json = JSON.stringify(entry) as string | undefined
    if (json === undefined) return
    const needsName = typeof entry === 'object' && entry !== null && !Array.isArray(entry) && !('name' in entry)
    if (isArrayIndex(key)) {
      this.indexed.push({ key, json, needsName })
      return
    }
    this.bytes.write(`,${JSON.stringify(key)}:`)
    const start = this.bytes.length
    this.bytes.write(json)
    this.slots.push({ key, start, end: this.bytes.length, needsName })
  }
}

export class ToolHiveBytes {
  readonly #slots: Slots

  private constructor(readonly bytes: Buffer, slots: Slots) {
    this.#slots = slots
  }

  /** Writes the document of `parts` exactly as `JSON.stringify({...head, servers, remote_servers, ...tail})` would. */
  static write(parts: ToolHiveParts): ToolHiveBytes {
    const maps = { image: new EntryMapWriter(), remote: new EntryMapWriter() }
    for (const { kind, key, entry } of parts.entries) maps[kind].add(key, entry)
    // Everything but the two entry maps is small: it is written as text, the maps are copied in from their chunks.
    const pieces: (string | EntryMapWriter)[] = []
    let first = true
    const field = (key: string, value: unknown): void => {
      const json = JSON.stringify(value) as string | undefined
      if (json === undefined) return
      pieces.push(`${first ? '{' : ','}${JSON.stringify(key)}:${json}`)
      first = false
    }
    for (const [key, value] of Object.entries(parts.head)) field(key, value)
    for (const [kind, key] of ENTRY_MAPS) {
      pieces.push(`${first ? '{' : ','}${JSON.stringify(key)}:`)
      first = false
      pieces.push(maps[kind])
    }
    for (const [key, value] of Object.entries(parts.tail)) field(key, value)
    pieces.push(first ? '{}' : '}')

    const slotCount = maps.image.slots.length + maps.image.indexed.length + maps.remote.slots.length + maps.remote.indexed.length
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
    const mapText = (map: EntryMapWriter): { head: string; indexed: { text: string; offset: number; length: number; key: string; needsName: boolean }[] } => {
      map.indexed.sort((a, b) => Number(a.key) - Number(b.key))
      let head = '{'
      const indexed = map.indexed.map((e, i) => {
        const prefix = `${i > 0 ? ',' : ''}${JSON.stringify(e.key)}:`
        const offset = Buffer.byteLength(head) + Buffer.byteLength(prefix)
        head += prefix + e.json
        return { text: e.json, offset, length: Buffer.byteLength(e.json), key: e.key, needsName: e.needsName }
      })
      return { head, indexed }
    }
    let total = 0
    const texts = new Map<EntryMapWriter, ReturnType<typeof mapText>>()
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        total += Buffer.byteLength(piece)
        continue
      }
      const text = mapText(piece)
      texts.set(piece, text)
      // The stream's first entry drops its leading comma when no array-index entry precedes it; `}` closes the map.
      const skip = piece.indexed.length === 0 && piece.bytes.length > 0 ? 1 : 0
      total += Buffer.byteLength(text.head) + piece.bytes.length - skip + 1
    }
    const bytes = Buffer.allocUnsafe(total)
    let at = 0
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        at += bytes.write(piece, at, 'utf8')
        continue
      }
      const text = texts.get(piece) as ReturnType<typeof mapText>
      const base = at
      at += bytes.write(text.head, at, 'utf8')
      for (const e of text.indexed) place(e.key, base + e.offset, base + e.offset + e.length, e.needsName)
      const skip = piece.indexed.length === 0 && piece.bytes.length > 0 ? 1 : 0
      const streamBase = at - skip
      for (const s of piece.slots) place(s.key, streamBase + s.start, streamBase + s.end, s.needsName)
      at += piece.bytes.copyTo(bytes, at, skip)
      at += bytes.write('}', at, 'utf8')
    }
    if (at !== total) throw new Error(`ToolHive document written with ${at} of ${total} bytes`)
    return new ToolHiveBytes(bytes, index)
  }

  /** Whether the document has an entry with key `key`. */
  has(key: string): boolean {
    return this.#slots.byKey.has(key)
  }

  /** The keys of every entry. */
  keys(): IterableIterator<string> {
    return this.#slots.byKey.keys()
  }

  /** The entry `key` as served alone: its JSON, with `"name":key` first when it has no `name`; undefined when absent. */
  entry(key: string): Buffer | undefined {
    const slot = this.#slots.byKey.get(key)
    if (slot === undefined) return undefined
    const json = this.bytes.subarray(this.#slots.starts[slot], this.#slots.ends[slot])
    if (this.#slots.needsName[slot] === 0) return json
    const head = Buffer.from(`{"name":${JSON.stringify(key)}${json.length > 2 ? ',' : ''}`)
    return Buffer.concat([head, json.subarray(1)])
  }
}
