/**
 * ToolHiveBytes: a ToolHive registry document serialised once, byte for byte as `JSON.stringify` writes it, with
 * the position of every entry of `servers` and `remote_servers`, so one entry is answered from a slice of the
 * document instead of from the document's objects (which are not kept).
 */

const ENTRY_MAPS = ['servers', 'remote_servers'] as const

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

export class ToolHiveBytes {
  readonly #slots: Slots

  private constructor(readonly bytes: Buffer, slots: Slots) {
    this.#slots = slots
  }

  /** Serialises `doc` (a ToolHive document: plain JSON data) exactly as `JSON.stringify(doc)` would. */
  static render(doc: object): ToolHiveBytes {
    const parts: string[] = []
    const slots: { key: string; map: string; part: number; needsName: boolean }[] = []
    let first = true
    for (const [key, value] of Object.entries(doc)) {
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue
      parts.push(`${first ? '{' : ','}${JSON.stringify(key)}:`)
      first = false
      if ((ENTRY_MAPS as readonly string[]).includes(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        let firstEntry = true
        for (const [entryKey, entry] of Object.entries(value as Record<string, unknown>)) {
          const json = JSON.stringify(entry) as string | undefined
          if (json === undefined) continue
          parts.push(`${firstEntry ? '{' : ','}${JSON.stringify(entryKey)}:`)
          firstEntry = false
          slots.push({ key: entryKey, map: key, part: parts.length, needsName: typeof entry === 'object' && entry !== null && !Array.isArray(entry) && !('name' in entry) })
          parts.push(json)
        }
        parts.push(firstEntry ? '{}' : '}')
      } else {
        parts.push(JSON.stringify(value))
      }
    }
    parts.push(first ? '{}' : '}')
    const offsets: number[] = []
    let total = 0
    for (const part of parts) {
      offsets.push(total)
      total += Buffer.byteLength(part)
    }
    const bytes = Buffer.allocUnsafe(total)
    parts.forEach((part, i) => bytes.write(part, offsets[i] as number))
    const index: Slots = {
      byKey: new Map(), starts: new Float64Array(slots.length), ends: new Float64Array(slots.length), needsName: new Uint8Array(slots.length),
    }
    slots.forEach((s, i) => {
      index.starts[i] = offsets[s.part] as number
      index.ends[i] = (offsets[s.part] as number) + Buffer.byteLength(parts[s.part] as string)
      index.needsName[i] = s.needsName ? 1 : 0
    })
    // `servers` wins over `remote_servers` for a key in both, as a lookup in that order does.
    const byKey = index.byKey as Map<string, number>
    for (const map of [...ENTRY_MAPS].reverse()) slots.forEach((s, i) => s.map === map && byKey.set(s.key, i))
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
