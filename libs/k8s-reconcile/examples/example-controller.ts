/**
 * Example: a controller for `example.thv.dev/v1 Widget` that keeps a ConfigMap per Widget, reports a Ready
 * condition, emits an Event on each transition, runs under leader election and shuts down gracefully.
 * Run: KUBECONFIG=... node --conditions=@thv/source --import tsx libs/k8s-reconcile/examples/example-controller.ts
 */
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node'
import * as E from 'fp-ts/lib/Either.js'
import { Registry } from 'prom-client'
import winston from 'winston'
import {
  applyObject, ConfigMapKind, controllerFor, controllerReference, createEventRecorder, findCondition,
  generationChanged, Manager, reconcileContext, setCondition, TerminalError, updateStatus,
  type Condition, type EventRecorder, type Informer, type KindDescriptor, type KubeClient,
  type ReconcileRequest, type ReconcileResult, type Reconciler,
} from '@thv/k8s-reconcile'

const WidgetKind: KindDescriptor = { group: 'example.thv.dev', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true }

interface WidgetStatus { observedGeneration?: number; conditions?: Condition[] }
interface Widget extends KubernetesObject { spec?: { greeting?: string }; status?: WidgetStatus }

/** Converges one Widget: ConfigMap `<name>-greeting` exists with the greeting; status says so. */
class WidgetReconciler implements Reconciler {
  constructor(private readonly deps: { cache: Informer<Widget>; client: KubeClient; events: EventRecorder }) {}

  async reconcile(req: ReconcileRequest, signal: AbortSignal): Promise<ReconcileResult> {
    const widget = this.deps.cache.get(req.namespace, req.name)
    if (widget === undefined) return {} // deleted: the ConfigMap goes with it (owner reference)
    const greeting = widget.spec?.greeting
    if (greeting === undefined || greeting === '') throw new TerminalError('spec.greeting is empty')
    await applyObject(this.deps.client, ConfigMapKind, {
      metadata: { name: `${req.name}-greeting`, namespace: req.namespace, ownerReferences: [controllerReference(widget)] },
      data: { greeting },
    } as KubernetesObject, { fieldManager: 'example-widget-controller', signal })
    const generation = widget.metadata?.generation
    const before = findCondition(widget.status?.conditions, 'Ready')?.status
    await updateStatus<WidgetStatus, Widget>(this.deps.client, WidgetKind, req, (current) => ({
      observedGeneration: generation,
      conditions: setCondition(current.status?.conditions ?? [], {
        type: 'Ready', status: 'True', reason: 'ConfigMapApplied', message: `Applied ConfigMap ${req.name}-greeting`, observedGeneration: generation,
      }, new Date()),
    }), { signal })
    if (before !== 'True') await this.deps.events.event(widget, 'Normal', 'ConfigMapApplied', `Applied ConfigMap ${req.name}-greeting`)
    reconcileContext()?.log.info('Reconciled Widget', { generation })
    return { requeueAfterMs: 10 * 60_000 } // re-check every 10 minutes even without changes
  }
}

/** Wires and runs the example until SIGTERM/SIGINT; resolves with the process exit code. */
export async function runExample(): Promise<number> {
  const log = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Console()] })
  const kubeConfig = new KubeConfig()
  kubeConfig.loadFromDefault()
  const metricsRegistry = new Registry()
  const manager = new Manager({
    kubeConfig, log, metricsRegistry,
    leaderElection: { namespace: 'default', name: 'example-widget-controller', identity: `example-${process.pid}` },
  })
  const reconciler = new WidgetReconciler({
    cache: manager.informer<Widget>(WidgetKind),
    client: manager.client,
    events: createEventRecorder({ client: manager.client, component: 'example-widget-controller', log }),
  })
  const controller = controllerFor(WidgetKind, { predicates: [generationChanged] })
    .owns(ConfigMapKind)
    .named('widget')
    .withOptions({ maxConcurrentReconciles: 2 })
    .complete(reconciler)
  if (E.isLeft(controller)) throw controller.left // a wiring bug: fail at start-up
  manager.add(controller.right)

  const probes = createServer((req, res) => {
    if (req.url === '/metrics') {
      void metricsRegistry.metrics().then((body) => res.writeHead(200, { 'Content-Type': metricsRegistry.contentType }).end(body))
      return
    }
    const status = req.url === '/readyz' ? manager.readyz() : manager.healthz()
    res.writeHead(status.ok ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify(status))
  }).listen(8081)

  const shutdown = new AbortController()
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => shutdown.abort())
  const exit = await manager.start(shutdown.signal)
  probes.close()
  log.info('Stopped manager', { exit })
  return exit.reason === 'shutdown' ? 0 : 1 // lost leadership or unsynced caches: exit non-zero, let Kubernetes restart us
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runExample()
}
