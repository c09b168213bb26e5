/** String format codecs as JSON Schema `format` defines them: uri, date-time (RFC 3339), hostname, sha256 hex. */
import type * as t from 'io-ts'
import { boundedString } from './string.codec.js'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/
const URI_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?[\]]|%[0-9A-Fa-f]{2})*$/
const FRAGMENT_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/

/**
 * Whether `s` is an absolute URI (RFC 3986: a scheme, then only URI characters and `%XX` escapes; no spaces).
 *
 * @category utils
 * @since 0.1.0
 */
export function isUri(s: string): boolean {
  const scheme = SCHEME.exec(s)
  if (scheme === null) return false
  const rest = s.slice(scheme[0].length)
  const hash = rest.indexOf('#')
  if (hash < 0) return URI_CHARS.test(rest)
  return URI_CHARS.test(rest.slice(0, hash)) && FRAGMENT_CHARS.test(rest.slice(hash + 1))
}

const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/
const TIME = /^(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:[zZ]|([+-])(\d\d)(?::?(\d\d))?)$/
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Whether `s` is an RFC 3339 date-time with a time zone (`2025-09-30T00:17:43Z`, `…+02:00`), calendar-checked.
 *
 * @category utils
 * @since 0.1.0
 */
export function isDateTime(s: string): boolean {
  const parts = s.split(/[tT\s]/)
  if (parts.length !== 2) return false
  const d = DATE.exec(parts[0] as string)
  const tm = TIME.exec(parts[1] as string)
  if (d === null || tm === null) return false
  const year = Number(d[1])
  const month = Number(d[2])
  const day = Number(d[3])
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : (DAYS[month] as number))) return false
  const hr = Number(tm[1])
  const min = Number(tm[2])
  const sec = Number(tm[3])
  const tzH = Number(tm[5] ?? 0)
  const tzM = Number(tm[6] ?? 0)
  if (tzH > 23 || tzM > 59) return false
  if (hr <= 23 && min <= 59 && sec < 60) return true
  // A leap second is valid only at 23:59:60 UTC.
  const sign = tm[4] === '-' ? -1 : 1
  const utcMin = min - tzM * sign
  const utcHr = hr - tzH * sign - (utcMin < 0 ? 1 : 0)
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61
}

const HOSTNAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i

/**
 * Whether `s` is an RFC 1123 host name (labels of 1–63 characters, at most 253 in total).
 *
 * @category utils
 * @since 0.1.0
 */
export function isHostname(s: string): boolean {
  return s.length <= 254 && HOSTNAME.test(s)
}

// -------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------

/**
 * A string with JSON Schema `format: uri`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const UriCodec: t.Type<string, string, unknown> = boundedString('Uri', {
  check: (s) => (isUri(s) ? undefined : 'must be an absolute URI'),
})

/**
 * A string with JSON Schema `format: date-time` (RFC 3339, time zone required).
 *
 * @category primitives
 * @since 0.1.0
 */
export const DateTimeCodec: t.Type<string, string, unknown> = boundedString('DateTime', {
  check: (s) => (isDateTime(s) ? undefined : 'must be an RFC 3339 date-time such as 2025-09-30T00:17:43Z'),
})

/**
 * A string with JSON Schema `format: hostname`.
 *
 * @category primitives
 * @since 0.1.0
 */
export const HostnameCodec: t.Type<string, string, unknown> = boundedString('Hostname', {
  check: (s) => (isHostname(s) ? undefined : 'must be a host name'),
})

/**
 * A lower-case hexadecimal SHA-256 digest (64 characters).
 *
 * @category primitives
 * @since 0.1.0
 */
export const Sha256HexCodec: t.Type<string, string, unknown> = boundedString('Sha256Hex', { pattern: '^[a-f0-9]{64}$' })
