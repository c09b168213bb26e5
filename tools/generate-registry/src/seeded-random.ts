// A small seeded pseudo-random generator (mulberry32), so generated registries are reproducible.

/** A deterministic source of pseudo-random numbers; the same seed always yields the same sequence. */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number
  /** One element of a non-empty array. */
  pick<T>(items: ReadonlyArray<T>): T
  /** `count` distinct elements of `items` in random order (all of them when count >= length). */
  sample<T>(items: ReadonlyArray<T>, count: number): T[]
}

/**
 * Creates a {@link SeededRandom} from a 32-bit integer seed (mulberry32; fast, not cryptographic).
 *
 * @example
 * const rnd = createSeededRandom(42)
 * rnd.int(1, 6) // always the same first roll for seed 42
 */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: ReadonlyArray<T>): T => {
    if (items.length === 0) throw new Error('pick() needs a non-empty array')
    return items[int(0, items.length - 1)] as T
  }
  const sample = <T>(items: ReadonlyArray<T>, count: number): T[] => {
    const copy = [...items]
    for (let i = copy.length - 1; i > 0; i--) {
      const j = int(0, i)
      ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
    }
    return copy.slice(0, Math.max(0, Math.min(count, copy.length)))
  }
  return { next, int, pick, sample }
}
