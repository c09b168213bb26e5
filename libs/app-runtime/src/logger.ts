/** The process logger of an app: winston, JSON lines unless stdout is a terminal. */
import winston from 'winston'

/**
 * Creates the one logger of the process (controllers and libraries get children of it with their context bound).
 * JSON with a timestamp, so log collectors can parse every line; colourised human text when `tty` is true.
 */
export function createLogger(level: string, tty: boolean): winston.Logger {
  const format = tty
    ? winston.format.combine(winston.format.errors({ stack: true }), winston.format.colorize(), winston.format.timestamp(), winston.format.simple())
    : winston.format.combine(winston.format.errors({ stack: true }), winston.format.timestamp(), winston.format.json())
  return winston.createLogger({ level, format, transports: [new winston.transports.Console()] })
}
