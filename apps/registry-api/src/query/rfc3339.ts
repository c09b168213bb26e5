/** Strict RFC 3339 timestamp parsing to nanoseconds since the epoch (what Go's time.RFC3339 accepts). */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/**
 * Parses an RFC 3339 date-time (`2025-08-07T13:15:04.280Z`, `2025-08-07T15:15:04+02:00`) into nanoseconds
 * since the Unix epoch, keeping sub-millisecond digits (up to 9) so "strictly after" comparisons are exact.
 * Returns undefined for anything else, including impossible dates such as February 30.
 */
export function parseRfc3339Nanos(text: string): bigint | undefined {
  const m = RFC3339.exec(text)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  let offsetMinutes = 0
  if (m[8] === undefined) {
    const offHours = Number(m[10])
    const offMinutes = Number(m[11])
    if (offHours > 23 || offMinutes > 59) return undefined
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offHours * 60 + offMinutes)
  }
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000
  const fraction = (m[7] ?? '').slice(0, 9).padEnd(9, '0')
  return BigInt(epochMs) * 1_000_000n + BigInt(fraction)
}
