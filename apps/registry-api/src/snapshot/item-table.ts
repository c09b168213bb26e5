/**
 * ItemTable: every `{server, _meta}` item of a view serialised once into one byte string, laid out so that its head
 * is the upstream document (`{"servers":[…],"metadata":{"count":N}}` of the versions that are not deleted) and every
 * item is a range of it; deleted versions follow the document. The byte string is kept deflated in segments
 * (SegmentedBytes), outside the JavaScript heap; entries keep only their index fields and their item's range.
 *
 * Items are written one at a time as they come (ItemTableWriter), so a table is built while a stored snapshot is
 * read, without its servers ever being held together. Items that come in (name, version) order, as the operator
 * stores them, are the table as written; items in any other order are gathered into a new table in that order.
 */
import { createHash, type Hash } from 'node:crypto'
import { strongEtag } from '../http/cached-body.js'
import { SegmentedBytes, SegmentWriter } from './segmented-bytes.js'
import type { ServedServerResponse } from './served-snapshot.js'
import { byNameThenVersion, isDeletedItem, movedEntry, servedItemJson, toViewEntry, type ViewEntry } from '../views/view-entry.js'

const DOC_HEAD = '{"servers":['

/** The upstream document's tail after its last item. */
function docTail(count: number, nextCursor?: string): string {
  return nextCursor === undefined
    ? `],"metadata":{"count":${count}}}`
    : `],"metadata":{"nextCursor":${JSON.stringify(nextCursor)},"count":${count}}}`
}

/** One item of a table, for gathering items of one or more tables into a new one. */
export interface TableItem {
  readonly table: ItemTable
  readonly entry: ViewEntry
}

/** A finished ItemTableWriter: the table, and its entries in the order their items were added. */
export interface WrittenTable {
  readonly table: ItemTable
  readonly added: readonly ViewEntry[]
}

export class ItemTable {
  /** Every version in (name, version) order. */
  readonly entries: readonly ViewEntry[]
  readonly #bytes: SegmentedBytes
  readonly #documentEnd: number
  /** Strong ETag of the upstream document. */
  readonly documentEtag: string

  private constructor(entries: readonly ViewEntry[], bytes: SegmentedBytes, documentEnd: number, documentEtag: string) {
    this.entries = entries
    this.documentEtag = documentEtag
    this.#bytes = bytes
    this.#documentEnd = documentEnd
  }

  /** Serialises `servers` (any order) into a table. */
  static build(servers: readonly ServedServerResponse[]): ItemTable {
    const writer = new ItemTableWriter()
    for (const s of servers) writer.add(s)
    return writer.finish().table
  }

  /**
   * A table of `items` (of any tables, any order, no name@version twice): each item's bytes are copied from its table
   * in (name, version) order, one at a time. `order[i]` is the position in the new table's entries of `items[i]`.
   */
  static gather(items: readonly TableItem[]): { readonly table: ItemTable; readonly order: Uint32Array } {
    const sorted = Uint32Array.from(items.keys())
    sorted.sort((a, b) => byNameThenVersion((items[a] as TableItem).entry, (items[b] as TableItem).entry))
    const out = new SegmentWriter()
    const digest = createHash('sha256')
    const entries = new Array<ViewEntry>(items.length)
    const order = new Uint32Array(items.length)
    const place = (i: number, at: number, inDocument: boolean): void => {
      const { table, entry } = items[i] as TableItem
      const bytes = table.#bytes.slice(entry.start, entry.end)
      const start = out.position
      out.write(bytes)
      if (inDocument) digest.update(bytes)
      entries[at] = movedEntry(entry, start, out.position)
      order[i] = at
    }
    const write = (text: string): void => {
      out.write(text)
      digest.update(text, 'utf8')
    }
    write(DOC_HEAD)
    let live = 0
    sorted.forEach((i, at) => {
      if ((items[i] as TableItem).entry.deleted) return
      if (live++ > 0) write(',')
      place(i, at, true)
    })
    write(docTail(live))
    const documentEnd = out.position
    sorted.forEach((i, at) => {
      if ((items[i] as TableItem).entry.deleted) place(i, at, false)
    })
    return { table: new ItemTable(entries, out.finish(), documentEnd, strongEtag(digest)), order }
  }

  /** A table from parts an ItemTableWriter wrote. */
  static of(entries: readonly ViewEntry[], bytes: SegmentedBytes, documentEnd: number, documentEtag: string): ItemTable {
    return new ItemTable(entries, bytes, documentEnd, documentEtag)
  }

  /** The upstream document of the versions that are not deleted, as pieces inflated one segment at a time. */
  documentPieces(): Generator<Buffer> {
    return this.#bytes.pieces(0, this.#documentEnd)
  }

  /** Uncompressed size of the upstream document. */
  get documentLength(): number {
    return this.#documentEnd
  }

  /** Bytes held by the table (compressed). */
  get byteLength(): number {
    return this.#bytes.compressedLength
  }

  /** The served item of `entry` (a copy). */
  item(entry: ViewEntry): Buffer {
    return this.#bytes.copy(entry.start, entry.end)
  }

  /** A ServerList (`{servers, metadata}`) of `items`, with `nextCursor` when given: one copy of each item. */
  list(items: readonly ViewEntry[], nextCursor?: string): Buffer {
    const tail = docTail(items.length, nextCursor)
    let total = DOC_HEAD.length + Buffer.byteLength(tail) + Math.max(0, items.length - 1)
    for (const e of items) total += e.end - e.start
    const out = Buffer.allocUnsafe(total)
    let pos = out.write(DOC_HEAD, 0)
    for (let i = 0; i < items.length; i++) {
      const e = items[i] as ViewEntry
      if (i > 0) out[pos++] = 0x2c // ','
      pos += this.#bytes.slice(e.start, e.end).copy(out, pos)
    }
    out.write(tail, pos)
    return out
  }
}

/**
 * Writes a table one item at a time, in the order the items come: each is serialised and compressed as it comes
 * (versions not deleted into the document, deleted ones into segments of their own that follow it), so only the
 * segments being filled and one item's text exist besides the entries.
 */
export class ItemTableWriter {
  readonly #live = new SegmentWriter()
  readonly #deleted = new SegmentWriter()
  readonly #digest: Hash = createHash('sha256')
  /** Entries in the order added; deleted ones placed relative to `#deleted` until `finish`. */
  readonly #added: ViewEntry[] = []
  readonly #deletedAt: number[] = []
  #liveCount = 0
  #inOrder = true
  #previous: ViewEntry | undefined

  constructor() {
    this.#live.write(DOC_HEAD)
    this.#digest.update(DOC_HEAD, 'utf8')
  }

  /** Serialises the next item. */
  add(response: ServedServerResponse): void {
    const json = servedItemJson(response)
    const previous = this.#previous
    let entry: ViewEntry
    if (isDeletedItem(response)) {
      const start = this.#deleted.position
      this.#deleted.write(json)
      entry = toViewEntry(response, start, this.#deleted.position, previous)
      this.#deletedAt.push(this.#added.length)
    } else {
      if (this.#liveCount++ > 0) this.#writeLive(',')
      const start = this.#live.position
      this.#writeLive(json)
      entry = toViewEntry(response, start, this.#live.position, previous)
    }
    if (previous !== undefined && byNameThenVersion(previous, entry) >= 0) this.#inOrder = false
    this.#previous = entry
    this.#added.push(entry)
  }

  /** The table of every item added. */
  finish(): WrittenTable {
    this.#writeLive(docTail(this.#liveCount))
    const document = this.#live.finish()
    const documentEnd = document.length
    const added = this.#added
    // Deleted items follow the document.
    for (const i of this.#deletedAt) {
      const e = added[i] as ViewEntry
      added[i] = movedEntry(e, e.start + documentEnd, e.end + documentEnd)
    }
    const written = ItemTable.of(added, SegmentedBytes.concat([document, this.#deleted.finish()]), documentEnd, strongEtag(this.#digest))
    if (this.#inOrder) return { table: written, added }
    const { table, order } = ItemTable.gather(added.map((entry) => ({ table: written, entry })))
    return { table, added: Array.from(order, (at) => table.entries[at] as ViewEntry) }
  }

  #writeLive(text: string): void {
    this.#live.write(text)
    this.#digest.update(text, 'utf8')
  }
}
