/**
 * @packageDocumentation
 * Where registry data comes from. A {@link SourceHandler} validates `spec.source` (pure) and syncs it (fetch, detect,
 * decode, convert, filter, hash) into a snapshot; {@link SourceHandlerRegistry} dispatches on `spec.source.type`;
 * {@link ConfigMapSourceHandler} reads a ConfigMap key. Failures are typed `SourceError`s whose `code` is the
 * condition reason, each naming the registry, the ConfigMap and the key.
 */
export type { SourceHandler, SyncResult, SyncOptions } from './source-handler.js'
export { SourceHandlerRegistry } from './source-handler.registry.js'
export { ConfigMapSourceHandler, DefaultSourceKey, toSourceError } from './configmap.source.js'
export type { ConfigMapSourceOptions, ResolvedConfigMapSource } from './configmap.source.js'
export {
  SourceError, SourceNotFoundError, SourceKeyNotFoundError, SourceTooLargeError, SourceInvalidJsonError,
  SourceFormatMismatchError, SourceInvalidDataError, SourceInvalidFilterError, SourceFetchError, SourceConfigError,
} from './source.errors.js'
export type { SourceErrorCode, SourceConfigErrorCode, SourceLocation } from './source.errors.js'
