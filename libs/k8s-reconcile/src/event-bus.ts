/** A typed in-process publish/subscribe bus; subscribers typically enqueue reconcile keys. */
import type { Logger } from './logger.js'

/** Unsubscribes a handler. */
export type Unsubscribe = () => void

/** A typed bus over an event map `{ eventName: payload }`. */
export interface EventBus<Events extends Record<string, unknown>> {
  /**
   * Delivers `payload` synchronously to every subscriber of `type`. A throwing subscriber is logged at
   * error level and does not stop delivery to the others.
   */
  publish<K extends keyof Events & string>(type: K, payload: Events[K]): void
  /** Registers `handler` for `type`. */
  subscribe<K extends keyof Events & string>(type: K, handler: (payload: Events[K]) => void): Unsubscribe
}

/**
 * Creates an {@link EventBus}.
 * @example
 * const bus = createEventBus<{ sourceChanged: { namespace: string; name: string } }>(log)
 * bus.subscribe('sourceChanged', (ref) => controller.enqueue(ref))
 * bus.publish('sourceChanged', { namespace: 'ns', name: 'registry' })
 */
export function createEventBus<Events extends Record<string, unknown>>(log: Logger): EventBus<Events> {
  const handlers = new Map<string, Set<(payload: never) => void>>()
  return {
    publish(type, payload) {
      for (const handler of [...(handlers.get(type) ?? [])]) {
        try {
          ;(handler as (p: Events[typeof type]) => void)(payload)
        } catch (err) {
          log.error('Event bus subscriber failed', { event: type, err })
        }
      }
    },
    subscribe(type, handler) {
      const set = handlers.get(type) ?? new Set()
      handlers.set(type, set)
      set.add(handler as (payload: never) => void)
      return () => void set.delete(handler as (payload: never) => void)
    },
  }
}
