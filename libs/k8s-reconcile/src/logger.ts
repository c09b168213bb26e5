/** Minimal logger contract the framework logs through (winston-compatible). */

/**
 * The logger the framework needs. A winston `Logger` satisfies it; libraries never create their own.
 * `child` binds fields (e.g. `controller`, `namespace`, `name`, `reconcileId`) to every later entry.
 */
export interface Logger {
  child(fields: Record<string, unknown>): Logger
  error(message: string, meta?: Record<string, unknown>): unknown
  warn(message: string, meta?: Record<string, unknown>): unknown
  info(message: string, meta?: Record<string, unknown>): unknown
  debug(message: string, meta?: Record<string, unknown>): unknown
}

/** A logger that drops everything: for tests and callers that do not care. */
export const noopLogger: Logger = {
  child: () => noopLogger,
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
}
