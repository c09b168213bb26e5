/** An in-process mutex per key: serialises the read-modify-write of one registry's storage across controllers. */

/** Runs functions exclusively per key, in call order. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>()

  /** Runs `fn` once every earlier `run` of the same key has settled; resolves or rejects with `fn`'s outcome. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(fn, fn)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.#tails.set(key, tail)
    try {
      return await result
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }

  /** Keys with a running or waiting function. */
  get size(): number {
    return this.#tails.size
  }
}
