/**
 * Every default of the framework, in one place (as controller-runtime's `NewUnmanaged` does).
 * Values follow controller-runtime / client-go unless stated otherwise.
 */
export const defaults = {
  /** Per-key exponential backoff: first retry delay (client-go: 5 ms). */
  itemBackoffBaseMs: 5,
  /** Per-key exponential backoff: upper bound of the delay (client-go: 1000 s). */
  itemBackoffMaxMs: 1_000_000,
  /** Overall token bucket: refill rate in requeues per second (client-go: 10). */
  bucketQps: 10,
  /** Overall token bucket: burst size (client-go: 100). */
  bucketBurst: 100,
  /** Reconcile workers per controller (controller-runtime: 1). */
  maxConcurrentReconciles: 1,
  /** How long the manager waits for informers to sync before failing start (controller-runtime: 2 min). */
  cacheSyncTimeoutMs: 120_000,
  /** How long shutdown waits for in-flight reconciles (controller-runtime: 30 s). */
  gracefulShutdownTimeoutMs: 30_000,
  /** Informer restart backoff after an error: first delay (ours; small so tests and recovery are quick). */
  informerBackoffBaseMs: 100,
  /** Informer restart backoff cap (ours; client-node's own 30 s cap is too slow for a controller). */
  informerBackoffMaxMs: 5_000,
  /** Informer restart backoff jitter: each delay is multiplied by a random factor in [1, 1 + jitter). */
  informerBackoffJitter: 0.5,
  /**
   * Server-side watch timeout in seconds. Below client-node's 30 s inactivity abort, so the server ends
   * quiet watches cleanly and the informer resumes at once from the last resourceVersion.
   */
  watchTimeoutSeconds: 25,
  /** Page size of informer lists. */
  listPageSize: 500,
  /** Leader election: lease duration (controller-runtime: 15 s). */
  leaseDurationMs: 15_000,
  /** Leader election: the leader gives up if it could not renew for this long (controller-runtime: 10 s). */
  renewDeadlineMs: 10_000,
  /** Leader election: interval between acquire/renew attempts (controller-runtime: 2 s). */
  retryPeriodMs: 2_000,
  /** Status updates: attempts on 409 Conflict before giving up. */
  statusConflictRetries: 5,
} as const
