/** Per-reconcile context (logger with bound fields, reconcile ID) available to code run by a reconcile. */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Logger } from './logger.js'

/** What the framework knows about the reconcile currently running. */
export interface ReconcileContext {
  readonly controller: string
  readonly reconcileId: string
  /** Logger with `controller`, `namespace`, `name` and `reconcileId` bound. */
  readonly log: Logger
}

const storage = new AsyncLocalStorage<ReconcileContext>()

/**
 * The context of the reconcile this code runs in, or undefined outside a reconcile.
 * @example
 * const log = reconcileContext()?.log ?? this.log
 */
export function reconcileContext(): ReconcileContext | undefined {
  return storage.getStore()
}

/** Runs `fn` with `ctx` as the current reconcile context (used by the controller). */
export function runInReconcileContext<T>(ctx: ReconcileContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(ctx, fn)
}
