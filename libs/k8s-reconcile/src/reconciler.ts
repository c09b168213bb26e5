/** The reconcile contract (controller-runtime's pkg/reconcile): request, result, reconciler, terminal error. */

/** What to reconcile: only the key, never the event or the object. `namespace` is `''` when cluster-scoped. */
export interface ReconcileRequest {
  readonly namespace: string
  readonly name: string
}

/** Outcome of a successful reconcile. `{}` means done until the next change. */
export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds (a timed requeue, not a retry). */
  readonly requeueAfterMs?: number
}

/**
 * Converges the world towards the desired state of one object. Level-based: read current state, act, return.
 * Requeue rules:
 * - a thrown error means a rate-limited retry with per-key exponential backoff;
 * - `requeueAfterMs` means a timed requeue (and the backoff history is forgotten);
 * - a thrown {@link TerminalError} is logged and counted but never retried;
 * - `{}` means done until the next watched change.
 * `signal` aborts when the manager's graceful-shutdown deadline passes or leadership is lost.
 */
export interface Reconciler {
  reconcile(req: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult>
}

/** Adapts a function to {@link Reconciler}. */
export function reconcilerFunc(fn: (req: ReconcileRequest, signal: AbortSignal) => Promise<ReconcileResult>): Reconciler {
  return { reconcile: fn }
}

/**
 * An error that retrying cannot fix (e.g. a spec that can never succeed). Logged and counted in
 * `controller_runtime_terminal_reconcile_errors_total`, never requeued.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** True for a {@link TerminalError}, also one wrapped as the `cause` of another error. */
export function isTerminalError(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof TerminalError) return true
  }
  return false
}
