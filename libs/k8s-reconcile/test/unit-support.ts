/** Helpers shared by this library's unit tests (not exported from the package). */
import type { Logger } from '../src/logger.js'

/** Lets pending promise callbacks and immediates run (no wall-clock waiting). */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** One recorded log entry with the fields bound by `child` merged in. */
export interface LogEntry {
  readonly level: string
  readonly message: string
  readonly fields: Record<string, unknown>
}

/** A logger that records entries. */
export function recordingLogger(entries: LogEntry[] = [], bound: Record<string, unknown> = {}): Logger & { entries: LogEntry[] } {
  const at = (level: string) => (message: string, meta: Record<string, unknown> = {}) => void entries.push({ level, message, fields: { ...bound, ...meta } })
  return {
    entries,
    child: (fields) => recordingLogger(entries, { ...bound, ...fields }),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
  }
}
