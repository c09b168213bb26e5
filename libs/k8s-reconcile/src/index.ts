/**
 * @packageDocumentation
 * A small, generic, level-based controller framework on `@kubernetes/client-node` 2.x, modelled on
 * controller-runtime: shared informers (list + watch with restart, re-list on 410, indexes), a
 * de-duplicating rate-limited work queue, a fluent controller builder with predicates, a manager with
 * Lease leader election, health/readiness, Prometheus metrics and graceful shutdown, plus helpers for
 * status, conditions, finalizers, owner references, server-side apply, Events and an in-process event bus.
 * It knows nothing about registries.
 */
export { applyObject } from './apply.js'
export type { ApplyOptions } from './apply.js'
export { backoffDelayMs, defaultInformerBackoff } from './backoff.js'
export type { BackoffOptions } from './backoff.js'
export { BuildError, ControllerBuilder, controllerBuilder, controllerFor } from './builder.js'
export type { WatchOptions } from './builder.js'
export { createFakeClock, systemClock } from './clock.js'
export type { CancelTimer, Clock, FakeClock } from './clock.js'
export { findCondition, isConditionTrue, removeCondition, setCondition } from './conditions.js'
export type { Condition, ConditionInput } from './conditions.js'
export { Controller, mapToControllerOwner, mapToSelf } from './controller.js'
export type { ControllerOptions, ControllerRuntime, ControllerSpec, WatchSpec } from './controller.js'
export { defaults } from './defaults.js'
export { createEventBus } from './event-bus.js'
export type { EventBus, Unsubscribe } from './event-bus.js'
export { createEventRecorder } from './event-recorder.js'
export type { EventRecorder, EventRecorderOptions, EventType } from './event-recorder.js'
export { addFinalizer, hasFinalizer, isBeingDeleted, removeFinalizer } from './finalizers.js'
export { Informer } from './informer.js'
export { keepMetadataOnly, LastAppliedConfigurationAnnotation, stripManagedFields } from './informer-transforms.js'
export type { IndexFunc, InformerHandler, InformerOptions, InformerSelector, InformerStats, InformerTransform } from './informer.js'
export {
  apiVersionOf,
  ConfigMapKind,
  DeploymentKind,
  EventKind,
  keyOf,
  LeaseKind,
  objectKeyOf,
  parseKey,
  resourcePath,
  SecretKind,
  ServiceKind,
} from './kind.js'
export type { KindDescriptor, ObjectKey } from './kind.js'
export { KubeApiError, KubeClient, patchContentType } from './kube-client.js'
/** Re-exported from @thv/kube-calls, so that controllers need one import for Kubernetes calls. */
export { httpStatusOf } from '@thv/kube-calls'
export type { ObjectList, RequestOptions } from './kube-client.js'
export { LeaderElector } from './leader-election.js'
export type { LeaderElectionOptions, LeaderElectionOutcome, LeaseApi } from './leader-election.js'
export { noopLogger } from './logger.js'
export type { Logger } from './logger.js'
export { Manager } from './manager.js'
export type { HealthStatus, ManagerExit, ManagerOptions } from './manager.js'
export { createControllerMetrics } from './metrics.js'
export type { ControllerMetrics, ReconcileResultLabel } from './metrics.js'
export { controllerOf, controllerReference, controllingOwnerName } from './owner-references.js'
export { PooledKubeConfig } from './pooled-kube-config.js'
export { and, annotationChanged, generationChanged, labelChanged, not, or, resourceVersionChanged } from './predicates.js'
export type { Predicate, WatchEvent } from './predicates.js'
export {
  createBucketRateLimiter,
  createDefaultControllerRateLimiter,
  createItemExponentialRateLimiter,
  createMaxOfRateLimiter,
} from './rate-limiter.js'
export type { RateLimiter } from './rate-limiter.js'
export { reconcileContext } from './reconcile-context.js'
export type { ReconcileContext } from './reconcile-context.js'
export { isTerminalError, reconcilerFunc, TerminalError } from './reconciler.js'
export type { ReconcileRequest, ReconcileResult, Reconciler } from './reconciler.js'
export { StatusConflictError, updateStatus } from './status.js'
export type { UpdateStatusOptions, WithStatus } from './status.js'
export { WorkQueue } from './work-queue.js'
export type { WorkQueueMetrics, WorkQueueOptions } from './work-queue.js'
