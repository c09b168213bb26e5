/** Prometheus metrics with controller-runtime's names, so existing dashboards work. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { WorkQueueMetrics } from './work-queue.js'

/** Result label of `controller_runtime_reconcile_total`, as in controller-runtime. */
export type ReconcileResultLabel = 'success' | 'error' | 'requeue_after'

/** The framework's metric families, registered on one prom-client `Registry`. */
export interface ControllerMetrics {
  readonly reconcileTotal: Counter<'controller' | 'result'>
  readonly reconcileErrors: Counter<'controller'>
  readonly terminalReconcileErrors: Counter<'controller'>
  readonly reconcileTime: Histogram<'controller'>
  readonly activeWorkers: Gauge<'controller'>
  readonly maxConcurrentReconciles: Gauge<'controller'>
  readonly workqueueDepth: Gauge<'name' | 'controller'>
  readonly workqueueAdds: Counter<'name' | 'controller'>
  readonly workqueueRetries: Counter<'name' | 'controller'>
  readonly leaderStatus: Gauge<'name'>
}

/**
 * Registers the metric families on `registry` (call once per registry):
 * `controller_runtime_reconcile_total{controller,result}`, `controller_runtime_reconcile_errors_total`,
 * `controller_runtime_terminal_reconcile_errors_total`, `controller_runtime_reconcile_time_seconds`,
 * `controller_runtime_active_workers`, `controller_runtime_max_concurrent_reconciles`,
 * `workqueue_depth`, `workqueue_adds_total`, `workqueue_retries_total` and `leader_election_master_status`.
 */
export function createControllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry]
  return {
    reconcileTotal: new Counter({ name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller', labelNames: ['controller', 'result'], registers }),
    reconcileErrors: new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller', labelNames: ['controller'], registers }),
    terminalReconcileErrors: new Counter({ name: 'controller_runtime_terminal_reconcile_errors_total', help: 'Total number of terminal reconciliation errors per controller', labelNames: ['controller'], registers }),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60],
      registers,
    }),
    activeWorkers: new Gauge({ name: 'controller_runtime_active_workers', help: 'Number of currently used workers per controller', labelNames: ['controller'], registers }),
    maxConcurrentReconciles: new Gauge({ name: 'controller_runtime_max_concurrent_reconciles', help: 'Maximum number of concurrent reconciles per controller', labelNames: ['controller'], registers }),
    workqueueDepth: new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name', 'controller'], registers }),
    workqueueAdds: new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name', 'controller'], registers }),
    workqueueRetries: new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name', 'controller'], registers }),
    leaderStatus: new Gauge({ name: 'leader_election_master_status', help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master', labelNames: ['name'], registers }),
  }
}

/** Adapts {@link ControllerMetrics} to the queue of controller `name`. */
export function workQueueMetricsFor(metrics: ControllerMetrics, name: string): WorkQueueMetrics {
  const labels = { name, controller: name }
  return {
    depth: (n) => metrics.workqueueDepth.set(labels, n),
    added: () => metrics.workqueueAdds.inc(labels),
    retried: () => metrics.workqueueRetries.inc(labels),
  }
}
