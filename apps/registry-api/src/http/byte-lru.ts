/** ByteLru: a least-recently-used map bounded by entry count and by total size in bytes. */

/** Limits for a ByteLru. */
export interface ByteLruOptions {
  /** Most entries kept. */
  readonly maxEntries: number
  /** Most bytes kept (sum of `sizeOf` over the entries); a single larger entry is not cached at all. */
  readonly maxBytes: number
}

/**
 * A Map in insertion order doubles as the recency list: `get` re-inserts the key, `set` evicts from the front.
 * Both are O(1) amortized.
 */
export class ByteLru<K, V> {
  readonly #entries = new Map<K, { value: V; size: number }>()
  #bytes = 0

  constructor(readonly options: ByteLruOptions, private readonly sizeOf: (value: V) => number) {}

  /** Number of cached entries. */
  get size(): number {
    return this.#entries.size
  }

  /** Total size of the cached entries, in bytes. */
  get bytes(): number {
    return this.#bytes
  }

  /** The cached value for `key` (marking it most recently used), or undefined. */
  get(key: K): V | undefined {
    const hit = this.#entries.get(key)
    if (hit === undefined) return undefined
    this.#entries.delete(key)
    this.#entries.set(key, hit)
    return hit.value
  }

  /** Caches `value` under `key`, evicting the least recently used entries beyond the limits. */
  set(key: K, value: V): void {
    const size = this.sizeOf(value)
    const old = this.#entries.get(key)
    if (old !== undefined) {
      this.#entries.delete(key)
      this.#bytes -= old.size
    }
    if (size > this.options.maxBytes) return
    this.#entries.set(key, { value, size })
    this.#bytes += size
    while (this.#entries.size > this.options.maxEntries || this.#bytes > this.options.maxBytes) {
      const oldest = this.#entries.keys().next()
      if (oldest.done === true) break
      const evicted = this.#entries.get(oldest.value)
      this.#entries.delete(oldest.value)
      if (evicted !== undefined) this.#bytes -= evicted.size
    }
  }
}
