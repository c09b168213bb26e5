// SourceHandlerRegistry: picks the handler for `spec.source.type`, so new source types need no caller changes.
import * as E from 'fp-ts/lib/Either.js'
import type { SingleSourceRegistry, MCPRegistrySource } from '@thv/registry-model'
import type { SourceHandler, SyncOptions, SyncResult, UnchangedSyncResult } from './source-handler.js'
import { SourceConfigError } from './source.errors.js'

/**
 * A {@link SourceHandler} that dispatches on `spec.source.type` to the handler registered for it. Callers hold one
 * registry and never name a source type; adding `url`, `git` or `registry` sources is one `register` call in the
 * app's wiring. An unregistered type is a {@link SourceConfigError} with code `UnsupportedSourceType`.
 *
 * @example
 * const sources = new SourceHandlerRegistry().register('configmap', new ConfigMapSourceHandler(core))
 * const result = await sources.sync(registry, signal)
 */
export class SourceHandlerRegistry implements SourceHandler {
  readonly #handlers = new Map<string, SourceHandler>()

  /** Registers `handler` for source type `type`. Throws on a second registration of the same type (a wiring bug). */
  register(type: string, handler: SourceHandler): this {
    if (this.#handlers.has(type)) throw new Error(`A source handler for type ${type} is already registered`)
    this.#handlers.set(type, handler)
    return this
  }

  /** The registered source types, in registration order. */
  get types(): string[] {
    return [...this.#handlers.keys()]
  }

  /** The handler for `type`, or Left `UnsupportedSourceType`. */
  handlerFor(type: string): E.Either<SourceConfigError, SourceHandler> {
    const handler = this.#handlers.get(type)
    if (handler !== undefined) return E.right(handler)
    const known = this.types.join(', ') || 'none'
    return E.left(new SourceConfigError('UnsupportedSourceType', 'spec.source.type', `Source type ${type} is not supported (supported: ${known})`))
  }

  validate(source: MCPRegistrySource, registryNamespace: string): E.Either<SourceConfigError, void> {
    const handler = this.handlerFor(source.type)
    return E.isLeft(handler) ? handler : handler.right.validate(source, registryNamespace)
  }

  /** Tells every handler to drop what it remembers of registry `namespace/name`. */
  forget(registryKey: string): void {
    for (const handler of this.#handlers.values()) handler.forget?.(registryKey)
  }

  /** Syncs with the handler for `spec.source.type`. Without `previousHash` the result is always a full {@link SyncResult}. */
  sync(registry: SingleSourceRegistry, signal: AbortSignal, options?: SyncOptions & { readonly previousHash?: undefined }): Promise<SyncResult>
  sync(registry: SingleSourceRegistry, signal: AbortSignal, options?: SyncOptions): Promise<SyncResult | UnchangedSyncResult>
  async sync(registry: SingleSourceRegistry, signal: AbortSignal, options?: SyncOptions): Promise<SyncResult | UnchangedSyncResult> {
    const handler = this.handlerFor(registry.spec.source.type)
    if (E.isLeft(handler)) throw handler.left
    return handler.right.sync(registry, signal, options)
  }
}
