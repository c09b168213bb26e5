/** Go duration strings (`time.ParseDuration` syntax) to milliseconds. */
import { GoDurationPattern } from './mcpregistry.codec.js'

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

const TERM = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/gu
/** The syntax the CRD admits (its OpenAPI `pattern`). */
const WHOLE = new RegExp(GoDurationPattern, 'u')

/**
 * Parses a Go duration without sign (`30s`, `1h30m`, `1.5h`, `250ms`) into milliseconds, or `undefined` when the
 * string is not one. The CRD admits only strings of this syntax, so `undefined` means a bug or a stale object.
 */
export function parseGoDurationMs(duration: string): number | undefined {
  if (!WHOLE.test(duration)) return undefined
  let total = 0
  for (const m of duration.matchAll(TERM)) total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0)
  return total
}
