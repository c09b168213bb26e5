/**
 * @packageDocumentation
 * What both apps (the operator and the registry API) share at start-up: the structured process logger
 * ({@link createLogger}) and command-line flags with `THV_REGISTRY_*` environment twins (the flag table, `--help`,
 * reading and decoding). Only apps import it.
 */
export { createLogger } from './logger.js'
export { booleanFlag, ConfigError, decodeFlags, envOf, helpText, readFlags, stringFlag } from './flags.js'
export type { FlagSpec, HelpLayout, RawFlags } from './flags.js'
export { BooleanFromString, intFromString, LogLevelCodec, LogLevels } from './flag-codecs.js'
export type { LogLevel } from './flag-codecs.js'
