/**
 * ItemTable: every `{server, _meta}` item of a view serialised once into one byte string, laid out so that its head
 * is the upstream document (`{"servers":[…],"metadata":{"count":N}}` of the versions that are not deleted) and every
 * item is a range of it; deleted versions follow the document. The byte string is kept deflated in segments
 * (SegmentedBytes), outside the JavaScript heap; entries keep only their index fields and their item's range.
 */
import { createHash } from 'node:crypto'
import { strongEtag } from '../http/cached-body.js'
import { SegmentWriter, type SegmentedBytes } from './segmented-bytes.js'
import type { ServedServerResponse } from './served-snapshot.js'
import { byNameThenVersion, isDeletedItem, servedItemJson, toViewEntry, type ViewEntry } from '../views/view-entry.js'

const DOC_HEAD = '{"servers":['

/** The upstream document's tail after its last item. */
function docTail(count: number, nextCursor?: string): string {
  return nextCursor === undefined
    ? `],"metadata":{"count":${count}}}`
    : `],"metadata":{"nextCursor":${JSON.stringify(nextCursor)},"count":${count}}}`
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

  /**
   * Serialises `servers` (any order) into a table, compressing as it goes. Items are serialised one at a time in
   * table order, so only the segment being filled and one item's text exist at once besides the entries.
   */
  static build(servers: readonly ServedServerResponse[]): ItemTable {
    const order = Uint32Array.from(servers.keys())
    order.sort((a, b) => byNameThenVersion((servers[a] as ServedServerResponse).server, (servers[b] as ServedServerResponse).server))
    const out = new SegmentWriter()
    // The upstream document's ETag, computed as its bytes are written: it is streamed, never held whole.
    const digest = createHash('sha256')
    let inDocument = true
    const write = (piece: string): void => {
      out.write(piece)
      if (inDocument) digest.update(piece, 'utf8')
    }
    const entries = new Array<ViewEntry>(servers.length)
    let previous: ViewEntry | undefined
    const place = (i: number, at: number): void => {
      const response = servers[i] as ServedServerResponse
      const start = out.position
      write(servedItemJson(response))
      // Versions of one name share the name's strings.
      const entry = toViewEntry(response, start, out.position, previous)
      previous = entry
      entries[at] = entry
    }
    write(DOC_HEAD)
    let live = 0
    order.forEach((i, at) => {
      if (isDeletedItem(servers[i] as ServedServerResponse)) return
      if (live++ > 0) write(',')
      place(i, at)
    })
    write(docTail(live))
    const documentEnd = out.position
    inDocument = false
    order.forEach((i, at) => {
      if (isDeletedItem(servers[i] as ServedServerResponse)) place(i, at)
    })
    return new ItemTable(entries, out.finish(), documentEnd, strongEtag(digest))
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
