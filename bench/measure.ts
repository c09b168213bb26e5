/** Timing helpers shared by the CPU-bound benchmarks: medians of interleaved rounds. */

/** The median of `xs` (the mean of the two middle values for an even count); NaN for none. */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/**
 * Median milliseconds (one decimal) of each step over `runs` rounds, after one warm-up call each. Every round runs
 * every step once, interleaved, so a change in machine load hits the steps and their baselines alike.
 */
export function measureAll<K extends string>(steps: Record<K, () => unknown>, runs: number): Record<K, number> {
  const names = Object.keys(steps) as K[]
  for (const name of names) steps[name]()
  const times = new Map<K, number[]>(names.map((n) => [n, []]))
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const start = performance.now()
      steps[name]()
      times.get(name)?.push(performance.now() - start)
    }
  }
  return Object.fromEntries(names.map((n) => [n, Math.round(median(times.get(n) ?? []) * 10) / 10])) as Record<K, number>
}
