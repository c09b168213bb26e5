/** Records core/v1 Events about objects, one per distinct occurrence, counting repeats. */
import type { KubernetesObject } from '@kubernetes/client-node'
import { systemClock, type Clock } from './clock.js'
import { EventKind } from './kind.js'
import { httpStatusOf } from '@thv/kube-calls'
import { patchContentType, type KubeClient } from './kube-client.js'
import { noopLogger, type Logger } from './logger.js'

/** Event type as defined by core/v1. */
export type EventType = 'Normal' | 'Warning'

/** Emits Kubernetes Events. Emission is best effort: failures are logged, never thrown. */
export interface EventRecorder {
  /** Records `reason`/`message` on `obj`. Call it on state transitions, not on every reconcile. */
  event(obj: KubernetesObject, type: EventType, reason: string, message: string): Promise<void>
}

/** Options of {@link createEventRecorder}. */
export interface EventRecorderOptions {
  readonly client: KubeClient
  /** `source.component` / `reportingComponent`, e.g. `thv-registry-operator`. */
  readonly component: string
  /** `reportingInstance` / `source.host`; defaults to `component`. */
  readonly instance?: string
  readonly clock?: Clock
  readonly log?: Logger
  /** Remembered distinct events (oldest forgotten first). Default 4096. */
  readonly cacheSize?: number
}

const MAX_MESSAGE = 1024

/**
 * Creates an {@link EventRecorder}. The first occurrence of (object, type, reason, message) creates an Event;
 * a repeat bumps that Event's `count` and `lastTimestamp` instead of creating another (as client-go's
 * correlator does), so a reconciler that re-reports the same transition does not flood the namespace.
 */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const clock = options.clock ?? systemClock
  const log = options.log ?? noopLogger
  const cacheSize = options.cacheSize ?? 4096
  const seen = new Map<string, { namespace: string; name: string; count: number }>()
  let sequence = 0

  return {
    async event(obj, type, reason, message) {
      const meta = obj.metadata ?? {}
      const namespace = meta.namespace ?? 'default'
      const note = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message
      const key = JSON.stringify([meta.uid ?? `${namespace}/${meta.name ?? ''}`, obj.kind, type, reason, note])
      const now = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')
      try {
        const previous = seen.get(key)
        if (previous !== undefined) {
          try {
            await options.client.patch(EventKind, previous.namespace, previous.name, { count: previous.count + 1, lastTimestamp: now }, patchContentType.merge)
            previous.count++
            seen.delete(key)
            seen.set(key, previous)
            return
          } catch (err) {
            if (httpStatusOf(err) !== 404) throw err
            seen.delete(key) // the Event expired (TTL); create a new one
          }
        }
        const name = `${meta.name ?? 'object'}.${(clock.now() * 1000 + (sequence++ % 1000)).toString(16)}`
        await options.client.create(EventKind, namespace, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion },
          type,
          reason,
          message: note,
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: options.component, host: options.instance ?? options.component },
          reportingComponent: options.component,
          reportingInstance: options.instance ?? options.component,
        } as KubernetesObject)
        seen.set(key, { namespace, name, count: 1 })
        if (seen.size > cacheSize) seen.delete(seen.keys().next().value as string)
      } catch (err) {
        log.error('Could not record event', { reason, kind: obj.kind, namespace, name: meta.name, err })
      }
    },
  }
}
