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
import { byNameThenVersion, toEntrySource, type EntrySource, type ViewEntry } from '../views/view-entry.js'

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

  /** Serialises `servers` (any order) into a table, compressing as it goes. */
  static build(servers: readonly ServedServerResponse[]): ItemTable {
    const sources: EntrySource[] = servers.map(toEntrySource)
    sources.sort((a, b) => byNameThenVersion(a.fields, b.fields))
    const live = sources.filter((s) => !s.fields.deleted)
    const deleted = sources.filter((s) => s.fields.deleted)
    const out = new SegmentWriter()
    // The upstream document's ETag, computed as its bytes are written: it is streamed, never held whole.
    const digest = createHash('sha256')
    let inDocument = true
    const write = (piece: string): void => {
      out.write(piece)
      if (inDocument) digest.update(piece, 'utf8')
    }
    const placed = new Map<EntrySource, ViewEntry>()
    let previous: ViewEntry | undefined
    const place = (s: EntrySource): void => {
      const start = out.position
      write(s.json)
      // Versions of one name share the name's strings.
      const same = previous?.name === s.fields.name ? previous : undefined
      const entry: ViewEntry = {
        ...s.fields,
        ...(same === undefined ? {} : { name: same.name, nameLc: same.nameLc }),
        start, end: out.position,
      }
      previous = entry
      placed.set(s, entry)
    }
    write(DOC_HEAD)
    live.forEach((s, i) => {
      if (i > 0) write(',')
      place(s)
    })
    write(docTail(live.length))
    const documentEnd = out.position
    inDocument = false
    for (const s of deleted) place(s)
    return new ItemTable(sources.map((s) => placed.get(s) as ViewEntry), out.finish(), documentEnd, strongEtag(digest))
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
