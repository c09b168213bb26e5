import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { Registry } from 'prom-client'
import { controllerFor } from './builder.js'
import { createFakeClock, type FakeClock } from './clock.js'
import type { Controller } from './controller.js'
import type { KindDescriptor } from './kind.js'
import { createControllerMetrics } from './metrics.js'
import { reconcileContext } from './reconcile-context.js'
import { TerminalError, type ReconcileRequest, type ReconcileResult, type Reconciler } from './reconciler.js'
import { deferred, flush, recordingLogger } from '../test/unit-support.js'

const WidgetKind: KindDescriptor = { group: 'test.thv.dev', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true }

function build(reconciler: Reconciler, clock: FakeClock, maxConcurrentReconciles = 1): { controller: Controller; registry: Registry; log: ReturnType<typeof recordingLogger> } {
  const built = controllerFor(WidgetKind).named('widget').withOptions({ clock, maxConcurrentReconciles }).complete(reconciler)
  if (E.isLeft(built)) throw built.left
  const registry = new Registry()
  const log = recordingLogger()
  built.right.bind({ log, metrics: createControllerMetrics(registry) })
  return { controller: built.right, registry, log }
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name)
  const value = (metric?.values as Array<{ labels: Record<string, string>; value: number }> | undefined)?.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  )
  return value?.value ?? 0
}

const a: ReconcileRequest = { namespace: 'ns', name: 'a' }

describe('Controller', () => {
  it('never reconciles one key concurrently, and reconciles again after a change during processing', async () => {
    const clock = createFakeClock()
    const gates: Array<ReturnType<typeof deferred<void>>> = []
    let active = 0
    let maxActive = 0
    const { controller } = build({
      async reconcile() {
        active++
        maxActive = Math.max(maxActive, active)
        const gate = deferred<void>()
        gates.push(gate)
        await gate.promise
        active--
        return {}
      },
    }, clock, 4)
    controller.start()
    controller.enqueue(a)
    await flush()
    controller.enqueue(a)
    controller.enqueue(a)
    await flush()
    expect([gates.length, maxActive]).to.deep.equal([1, 1])
    gates[0]?.resolve()
    await flush()
    expect(gates.length).to.equal(2)
    gates[1]?.resolve()
    await flush()
    expect([gates.length, maxActive]).to.deep.equal([2, 1])
    await controller.stop(1000)
  })

  it('reconciles different keys in parallel up to maxConcurrentReconciles', async () => {
    const clock = createFakeClock()
    const gate = deferred<void>()
    let active = 0
    let maxActive = 0
    const { controller } = build({
      async reconcile() {
        maxActive = Math.max(maxActive, ++active)
        await gate.promise
        active--
        return {}
      },
    }, clock, 2)
    controller.start()
    for (const name of ['a', 'b', 'c']) controller.enqueue({ namespace: 'ns', name })
    await flush()
    expect([maxActive, controller.queue.len()]).to.deep.equal([2, 1])
    gate.resolve()
    await flush()
    expect(maxActive).to.equal(2)
    await controller.stop(1000)
  })

  it('requeues after requeueAfterMs and counts requeue_after', async () => {
    const clock = createFakeClock()
    const seen: number[] = []
    const { controller, registry } = build({
      reconcile: async (): Promise<ReconcileResult> => {
        seen.push(clock.now())
        return seen.length === 1 ? { requeueAfterMs: 30_000 } : {}
      },
    }, clock)
    controller.start()
    controller.enqueue(a)
    await flush()
    clock.advance(29_999)
    await flush()
    expect(seen).to.deep.equal([0])
    clock.advance(1)
    await flush()
    expect(seen).to.deep.equal([0, 30_000])
    expect(await metricValue(registry, 'controller_runtime_reconcile_total', { controller: 'widget', result: 'requeue_after' })).to.equal(1)
    expect(await metricValue(registry, 'controller_runtime_reconcile_total', { controller: 'widget', result: 'success' })).to.equal(1)
    await controller.stop(1000)
  })

  it('retries errors with per-key exponential backoff and forgets the history on success', async () => {
    const clock = createFakeClock()
    const seen: number[] = []
    const { controller, registry } = build({
      reconcile: async () => {
        seen.push(clock.now())
        if (seen.length <= 3) throw new Error('API unavailable')
        return {}
      },
    }, clock)
    controller.start()
    controller.enqueue(a)
    for (let i = 0; i < 100; i++) {
      await flush(2)
      clock.advance(1)
    }
    expect(seen).to.deep.equal([0, 5, 15, 35])
    expect(controller.queue.numRequeues('ns/a')).to.equal(0)
    expect(await metricValue(registry, 'controller_runtime_reconcile_errors_total', { controller: 'widget' })).to.equal(3)
    expect(await metricValue(registry, 'workqueue_retries_total', { name: 'widget' })).to.equal(3)
    await controller.stop(1000)
  })

  it('logs and counts a TerminalError but does not retry it', async () => {
    const clock = createFakeClock()
    let calls = 0
    const { controller, registry, log } = build({
      reconcile: async () => {
        calls++
        throw new TerminalError('spec.source is invalid and cannot succeed')
      },
    }, clock)
    controller.start()
    controller.enqueue(a)
    await flush()
    clock.advance(3_600_000)
    await flush()
    expect(calls).to.equal(1)
    expect(await metricValue(registry, 'controller_runtime_terminal_reconcile_errors_total', { controller: 'widget' })).to.equal(1)
    expect(await metricValue(registry, 'controller_runtime_reconcile_total', { controller: 'widget', result: 'error' })).to.equal(1)
    expect(log.entries.filter((e) => e.level === 'error').map((e) => [e.message, e.fields['name']])).to.deep.equal([
      ['Reconciler error (terminal, not retried)', 'a'],
    ])
    await controller.stop(1000)
  })

  it('binds controller, namespace, name and a reconcile ID to the reconcile context logger', async () => {
    const clock = createFakeClock()
    const ids: string[] = []
    const { controller, log } = build({
      reconcile: async () => {
        const ctx = reconcileContext()
        ctx?.log.info('Reconciling Widget')
        ids.push(ctx?.reconcileId ?? '')
        return {}
      },
    }, clock)
    controller.start()
    controller.enqueue(a)
    await flush()
    controller.enqueue(a)
    await flush()
    const entries = log.entries.filter((e) => e.message === 'Reconciling Widget').map((e) => e.fields)
    expect(entries).to.deep.equal(ids.map((reconcileId) => ({ controller: 'widget', namespace: 'ns', name: 'a', reconcileId })))
    expect(new Set(ids).size).to.equal(2)
    await controller.stop(1000)
  })

  it('on stop lets the in-flight reconcile finish and starts nothing new', async () => {
    const clock = createFakeClock()
    const gate = deferred<void>()
    const started: string[] = []
    let aborted = false
    const { controller } = build({
      async reconcile(req, signal) {
        started.push(req.name)
        await gate.promise
        aborted = signal.aborted
        return {}
      },
    }, clock)
    controller.start()
    controller.enqueue(a)
    controller.enqueue({ namespace: 'ns', name: 'b' })
    await flush()
    const stopping = controller.stop(30_000)
    controller.enqueue({ namespace: 'ns', name: 'c' })
    gate.resolve()
    expect(await stopping).to.equal(true)
    expect([started, aborted]).to.deep.equal([['a'], false])
  })

  it('aborts the signal of reconciles still running at the shutdown deadline', async () => {
    const clock = createFakeClock()
    const { controller } = build({
      reconcile: (_req, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({}))),
    }, clock)
    controller.start()
    controller.enqueue(a)
    await flush()
    const stopping = controller.stop(5000)
    await flush()
    clock.advance(5000)
    expect(await stopping).to.equal(false)
    expect(controller.activeReconciles()).to.equal(0)
  })
})
