/**
 * Reads a stored snapshot's JSON from a stream of UTF-8 chunks without ever holding its whole text: the elements of
 * its server arrays are parsed one at a time as they arrive, everything else (a few KiB) is parsed at the end.
 * Decompressing a 100,000-version snapshot in one go held its 196 MB of bytes and the same again as a string next
 * to the parsed objects; read this way, only the parsed objects and one chunk exist.
 */

/** Top-level keys whose arrays are parsed element by element (the ones that grow with the registry). */
const StreamedKeys: ReadonlySet<string> = new Set(['servers', 'extraServers'])

const Quote = 0x22
const Backslash = 0x5c

/**
 * Splits one JSON text, fed in chunks, into its skeleton (the text with every streamed array left empty) and the
 * parsed elements of each streamed array. It follows only strings and brackets: it trusts nothing else about the
 * text, and whatever is not valid JSON fails to parse, as an element or as the skeleton, with JSON.parse's message.
 */
export class StreamedSnapshotJson {
  /** Skeleton text pieces (outside the streamed arrays' elements). */
  readonly #skeleton: Buffer[] = []
  readonly #arrays = new Map<string, unknown[]>()
  /** Container depth; the top-level object's members are at depth 1. */
  #depth = 0
  #inString = false
  /** Backslashes that ended the previous piece of the string being read (its next byte may be escaped). */
  #trailingBackslashes = 0
  /** The last string closed at depth 1 and whether a ':' followed it (it was a key). */
  #topString: Buffer[] | undefined
  #topStringDone = ''
  #afterTopColon = false
  /** The streamed array being read (its elements are at depth 3 and below, separated at depth 2). */
  #array: unknown[] | undefined
  #arrayKey = ''
  #element: Buffer[] = []

  /**
   * `mapElement` (default: none) turns each parsed element of a streamed array into what is kept of it, as soon as it
   * is parsed (with the array's key): a reader that needs a few fields of each server keeps only those, and the rest
   * of the element is garbage right away instead of part of the result. It may throw to reject the element.
   */
  constructor(private readonly mapElement?: (value: unknown, key: string) => unknown) {}

  /** Reads the next chunk. Throws a SyntaxError (JSON.parse's) when an element is not JSON. */
  write(chunk: Buffer): void {
    let from = 0
    let i = 0
    const n = chunk.length
    // Where the current run of bytes goes: the skeleton or the element being read.
    const flush = (to: number): void => {
      if (to > from) (this.#array === undefined ? this.#skeleton : this.#element).push(chunk.subarray(from, to))
      from = to
    }
    while (i < n) {
      if (this.#inString) {
        const end = this.#closingQuote(chunk, i)
        if (end < 0) {
          if (this.#topString !== undefined) this.#topString.push(chunk.subarray(i))
          break
        }
        if (this.#topString !== undefined) {
          this.#topString.push(chunk.subarray(i, end))
          this.#topStringDone = Buffer.concat(this.#topString).toString('utf8')
          this.#topString = undefined
        }
        this.#inString = false
        i = end + 1
        continue
      }
      const b = chunk[i] as number
      if (b === Quote) {
        this.#inString = true
        this.#trailingBackslashes = 0
        if (this.#depth === 1) {
          this.#topString = []
          this.#afterTopColon = false
        }
      } else if (b === 0x7b || b === 0x5b) {
        this.#depth++
        if (this.#depth === 2 && b === 0x5b && this.#afterTopColon && StreamedKeys.has(this.#topStringDone)) {
          flush(i + 1)
          this.#array = []
          this.#arrayKey = this.#topStringDone
          this.#arrays.set(this.#topStringDone, this.#array)
        }
        this.#afterTopColon = false
      } else if (b === 0x7d || b === 0x5d) {
        if (this.#depth === 2 && this.#array !== undefined) {
          flush(i)
          this.#endElement(true)
          this.#array = undefined
        }
        this.#depth--
      } else if (b === 0x2c) {
        if (this.#depth === 2 && this.#array !== undefined) {
          flush(i)
          from = i + 1
          this.#endElement(false)
        }
        this.#afterTopColon = false
      } else if (b === 0x3a) {
        if (this.#depth === 1) this.#afterTopColon = true
      }
      i++
    }
    flush(n)
  }

  /** The whole value: the skeleton parsed, with each streamed array's elements put in. Throws JSON.parse's SyntaxError. */
  end(): unknown {
    if (this.#inString || this.#depth !== 0) throw new SyntaxError('Unexpected end of JSON input')
    const value = JSON.parse(Buffer.concat(this.#skeleton).toString('utf8')) as unknown
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
    const record = value as Record<string, unknown>
    for (const [key, items] of this.#arrays) {
      // The skeleton's array must be the empty one left in place of the elements (anything else is not our JSON).
      if (!Array.isArray(record[key]) || (record[key] as unknown[]).length !== 0) throw new SyntaxError(`Unexpected content in "${key}"`)
      record[key] = items
    }
    return value
  }

  /**
   * Parses the element read since the last separator (`closing`: the array's `]` ended it). Only an empty array may
   * end without an element (`[]`, `[ ]`); any other empty element (`[,`, `[1,]`) is a syntax error, as in JSON.parse.
   */
  #endElement(closing: boolean): void {
    const parts = this.#element
    this.#element = []
    const text = (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)).toString('utf8')
    const array = this.#array as unknown[]
    if (closing && array.length === 0 && /^[ \t\n\r]*$/.test(text)) return
    const value = JSON.parse(text) as unknown
    array.push(this.mapElement === undefined ? value : this.mapElement(value, this.#arrayKey))
  }

  /** Index of the quote closing the string being read, from `from` on in `chunk`; -1 when it is not in this chunk. */
  #closingQuote(chunk: Buffer, from: number): number {
    let at = from
    for (;;) {
      const q = chunk.indexOf(Quote, at)
      if (q < 0) {
        let run = 0
        while (chunk.length - 1 - run >= at && chunk[chunk.length - 1 - run] === Backslash) run++
        this.#trailingBackslashes = run === chunk.length - at ? this.#trailingBackslashes + run : run
        return -1
      }
      let run = 0
      while (q - 1 - run >= at && chunk[q - 1 - run] === Backslash) run++
      if (run === q - at) run += this.#trailingBackslashes
      if (run % 2 === 0) return q
      this.#trailingBackslashes = 0
      at = q + 1
    }
  }
}
