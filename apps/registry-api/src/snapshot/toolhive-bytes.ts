/**
 * ToolHiveBytes: a ToolHive registry document serialised once, byte for byte as `JSON.stringify` writes it, with
 * the position of every entry of `servers` and `remote_servers`, so one entry is answered from a slice of the
 * document instead of from the document's objects (which are not kept).
 */

interface Slot {
  readonly start: number
  readonly end: number
  /** The entry is an object without a `name` key: its answer gets `name` set to its key. */
  readonly needsName: boolean
}

const ENTRY_MAPS = ['servers', 'remote_servers'] as const

export class ToolHiveBytes {
  readonly #slots: ReadonlyMap<string, Slot>

  private constructor(readonly bytes: Buffer, slots: ReadonlyMap<string, Slot>) {
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
    // `servers` wins over `remote_servers` for a key in both, as a lookup in that order does.
    const byKey = new Map<string, Slot>()
    for (const map of [...ENTRY_MAPS].reverse()) {
      for (const s of slots) {
        if (s.map !== map) continue
        const start = offsets[s.part] as number
        byKey.set(s.key, { start, end: start + Buffer.byteLength(parts[s.part] as string), needsName: s.needsName })
      }
    }
    return new ToolHiveBytes(bytes, byKey)
  }

  /** Whether the document has an entry with key `key`. */
  has(key: string): boolean {
    return this.#slots.has(key)
  }

  /** The keys of every entry. */
  keys(): IterableIterator<string> {
    return this.#slots.keys()
  }

  /** The entry `key` as served alone: its JSON, with `"name":key` first when it has no `name`; undefined when absent. */
  entry(key: string): Buffer | undefined {
    const slot = this.#slots.get(key)
    if (slot === undefined) return undefined
    const json = this.bytes.subarray(slot.start, slot.end)
    if (!slot.needsName) return json
    const head = Buffer.from(`{"name":${JSON.stringify(key)}${json.length > 2 ? ',' : ''}`)
    return Buffer.concat([head, json.subarray(1)])
  }
}
