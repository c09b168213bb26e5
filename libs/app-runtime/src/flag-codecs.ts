/** io-ts codecs for flag values given as text (command line or environment). */
import * as t from 'io-ts'

/** The log levels both apps accept. */
export const LogLevels = ['error', 'warn', 'info', 'debug'] as const
/** A log level. */
export type LogLevel = (typeof LogLevels)[number]

const isLogLevel = (u: unknown): u is LogLevel => LogLevels.includes(u as LogLevel)

/** `error`, `warn`, `info` or `debug`. */
export const LogLevelCodec = new t.Type<LogLevel, string, unknown>(
  'LogLevel',
  isLogLevel,
  (u, c) => (isLogLevel(u) ? t.success(u) : t.failure(u, c, 'must be error, warn, info or debug')),
  String,
)

/** A whole number from `min` to `max` written in decimal digits; `name` names the type in messages. */
export const intFromString = (name: string, min: number, max: number): t.Type<number, string, unknown> =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) => {
      const n = typeof u === 'string' && /^[0-9]+$/.test(u) ? Number(u) : Number.NaN
      return Number.isInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c, `must be an integer from ${min} to ${max}`)
    },
    String,
  )

/** `true`/`1` or `false`/`0`. */
export const BooleanFromString = new t.Type<boolean, string, unknown>(
  'Boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (u === 'true' || u === '1' ? t.success(true) : u === 'false' || u === '0' ? t.success(false) : t.failure(u, c, 'must be true or false')),
  String,
)
