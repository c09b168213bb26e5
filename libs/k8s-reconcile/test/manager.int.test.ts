import { setTimeout as simulatedWork } from 'node:timers/promises'
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import {
  ConfigMapKind,
  controllerFor,
  controllerReference,
  findCondition,
  keepMetadataOnly,
  KubeClient,
  Manager,
  noopLogger,
  patchContentType,
  setCondition,
  updateStatus,
  type Condition,
  type Controller,
  type LeaderElectionOptions,
  type ManagerExit,
  type Reconciler,
} from '../src/index.js'
import { consistently, eventually } from '@thv/testkit'
import { installCrd, uniqueKind, WidgetKind, type Widget } from './int-support.js'

interface Running {
  readonly manager: Manager
  readonly exit: Promise<ManagerExit>
}

const widget = (name: string, n = 0, annotations?: Record<string, string>): Widget =>
  ({ apiVersion: 'reconcile.test.thv.dev/v1', kind: 'Widget', metadata: { name, annotations }, spec: { n } }) as Widget

describe('Manager and controllers (real control plane)', function () {
  this.timeout(120_000)
  let kc: KubeConfig
  let client: KubeClient
  const running: Running[] = []

  before(async () => {
    const plane = await getTestControlPlane()
    kc = plane.kubeConfig()
    client = new KubeClient(kc)
    await installCrd(kc)
  })

  afterEach(async () => {
    for (const r of running.splice(0)) {
      r.manager.stop()
      await r.exit
    }
  })

  function start(ns: string, wire: (m: Manager) => Controller, leaderElection?: LeaderElectionOptions): Running {
    const manager = new Manager({ kubeConfig: kc, log: noopLogger, namespace: ns, leaderElection, cacheSyncTimeoutMs: 20_000 })
    manager.add(wire(manager))
    const r = { manager, exit: manager.start() }
    running.push(r)
    return r
  }

  function build(builder: ReturnType<typeof controllerFor>, reconciler: Reconciler): Controller {
    const result = builder.complete(reconciler)
    if (E.isLeft(result)) throw result.left
    return result.right
  }

  it('collapses 1,000 rapid updates into far fewer reconciles, the last of which sees the final state', async function () {
    this.timeout(180_000)
    const ns = await createTestNamespace('mgr-burst')
    const seen: number[] = []
    const WORK_MS = 200
    const { manager } = start(ns, (m) => {
      const cache = m.informer<Widget>(WidgetKind)
      return build(controllerFor(WidgetKind).named('burst'), {
        async reconcile(req) {
          seen.push(cache.get(req.namespace, req.name)?.spec?.n ?? -1)
          await simulatedWork(WORK_MS) // a reconcile that takes a while, as real ones do
          return {}
        },
      })
    })
    await client.create(WidgetKind, ns, widget('w', 0))
    await eventually(() => expect(seen).to.include(0), { timeoutMs: 15_000, intervalMs: 50 })
    const burstStart = Date.now()
    // 999 updates, 20 in flight at a time (as fast as the API server takes them), then the final one.
    const pending = Array.from({ length: 999 }, (_, i) => i + 1)
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let n = pending.shift(); n !== undefined; n = pending.shift()) {
          await client.patch(WidgetKind, ns, 'w', { spec: { n } }, patchContentType.merge)
        }
      }),
    )
    await client.patch(WidgetKind, ns, 'w', { spec: { n: 1000 } }, patchContentType.merge)
    await eventually(() => expect(seen.at(-1)).to.equal(1000), { timeoutMs: 30_000, intervalMs: 50 })
    const count = seen.length
    await consistently(() => void expect(seen.length).to.equal(count), { timeoutMs: 1000 })
    // Without de-duplication every update would be reconciled (1,001). With it, one worker taking WORK_MS per
    // reconcile can run at most one reconcile per WORK_MS of the burst, whatever the machine's speed.
    expect(count).to.be.lessThan(500)
    expect(count).to.be.at.most(Math.ceil((Date.now() - burstStart) / WORK_MS) + 2)
    expect(seen.filter((n) => n === 1000)).to.have.length(1)
    expect(manager.readyz().ok).to.equal(true)
  })

  it('gives up with cacheSyncTimeout when a required kind never syncs, but does not wait for optional watches', async () => {
    const ns = await createTestNamespace('mgr-sync')
    const missing = uniqueKind('Missing')
    const strict = new Manager({ kubeConfig: kc, log: noopLogger, namespace: ns, cacheSyncTimeoutMs: 1000 })
    strict.add(build(controllerFor(WidgetKind).watches(missing, () => []).named('strict'), { reconcile: async () => ({}) }))
    expect(await strict.start()).to.deep.equal({ reason: 'cacheSyncTimeout', unsyncedKinds: [missing.kind] })
    expect(strict.healthz().ok).to.equal(false)

    const reconciled: string[] = []
    const { manager } = start(ns, () =>
      build(controllerFor(WidgetKind).watches(missing, () => [], { optional: true }).named('lenient'), { reconcile: async (req) => (reconciled.push(req.name), {}) }),
    )
    await client.create(WidgetKind, ns, widget('w'))
    await eventually(() => expect(reconciled).to.deep.equal(['w']), { timeoutMs: 15_000, intervalMs: 50 })
    expect(manager.readyz()).to.deep.equal({ ok: true, checks: { manager: { ok: true, message: 'running' }, 'informer:Widget': { ok: true, message: 'synced' } } })
  })

  it('gives the shared informers of a kind its transform, and the default transform to other kinds', async () => {
    const ns = await createTestNamespace('mgr-transform')
    await client.create(ConfigMapKind, ns, { metadata: { name: 'cm' }, data: { big: 'x'.repeat(10_000) } })
    await client.create(WidgetKind, ns, widget('w', 7))
    const manager = new Manager({
      kubeConfig: kc, log: noopLogger, namespace: ns, cacheSyncTimeoutMs: 20_000,
      transforms: [[ConfigMapKind, keepMetadataOnly]],
      defaultTransform: (o) => ({ ...o, metadata: { ...o.metadata, labels: { transformed: 'default' } } }),
    })
    manager.add(build(controllerFor(WidgetKind).watches(ConfigMapKind, () => []).named('transforms'), { reconcile: async () => ({}) }))
    running.push({ manager, exit: manager.start() })
    await eventually(() => expect(manager.readyz().ok).to.equal(true), { timeoutMs: 15_000, intervalMs: 50 })
    const cm = manager.informer(ConfigMapKind).get(ns, 'cm') as KubernetesObject & { data?: unknown }
    const w = manager.informer<Widget>(WidgetKind).get(ns, 'w')
    expect([cm.data, cm.metadata?.name, w?.metadata?.labels, w?.spec]).to.deep.equal([undefined, 'cm', { transformed: 'default' }, { n: 7 }])
  })

  it('reconciles the owner when an owned child changes, and mapped keys for a mapped watch', async () => {
    const ns = await createTestNamespace('mgr-owns')
    const reconciled: string[] = []
    start(ns, () =>
      build(
        controllerFor(WidgetKind)
          .owns(ConfigMapKind)
          .watches(ConfigMapKind, (cm) => (cm.metadata?.annotations?.['test.thv.dev/widgets'] ?? '').split(',').filter(Boolean).map((name) => ({ namespace: cm.metadata?.namespace ?? '', name })))
          .named('owner'),
        { reconcile: async (req) => (reconciled.push(req.name), {}) },
      ),
    )
    const owner = await client.create(WidgetKind, ns, widget('parent'))
    await client.create(WidgetKind, ns, widget('m1'))
    await client.create(WidgetKind, ns, widget('m2'))
    await client.create(ConfigMapKind, ns, { metadata: { name: 'child', ownerReferences: [controllerReference(owner)] }, data: { a: '1' } } as KubernetesObject)
    await client.create(ConfigMapKind, ns, { metadata: { name: 'index', annotations: { 'test.thv.dev/widgets': 'm1,m2' } } })
    await eventually(() => expect(new Set(reconciled)).to.deep.equal(new Set(['parent', 'm1', 'm2'])), { timeoutMs: 15_000, intervalMs: 50 })
    await consistently(() => void expect(new Set(reconciled)).to.deep.equal(new Set(['parent', 'm1', 'm2'])), { timeoutMs: 300 })
    reconciled.length = 0

    await client.patch(ConfigMapKind, ns, 'child', { data: { a: '2' } }, patchContentType.merge)
    await eventually(() => expect(reconciled).to.deep.equal(['parent']), { timeoutMs: 15_000, intervalMs: 50 })
    reconciled.length = 0
    await client.patch(ConfigMapKind, ns, 'index', { data: { touched: 'yes' } }, patchContentType.merge)
    await eventually(() => expect([...reconciled].sort()).to.deep.equal(['m1', 'm2']), { timeoutMs: 15_000, intervalMs: 50 })
  })

  it('does not loop when the reconciler writes its own status', async () => {
    const ns = await createTestNamespace('mgr-status')
    let count = 0
    start(ns, (m) =>
      build(controllerFor(WidgetKind).named('status-writer'), {
        async reconcile(req) {
          count++
          await updateStatus<NonNullable<Widget['status']>, Widget>(m.client, WidgetKind, req, (w) => ({
            ...w.status,
            observedGeneration: w.metadata?.generation,
            seen: w.spec?.n,
            conditions: setCondition((w.status?.conditions ?? []) as unknown as Condition[], {
              type: 'Ready',
              status: 'True',
              reason: 'Reconciled',
              message: `Saw n=${w.spec?.n}`,
              observedGeneration: w.metadata?.generation,
            }, new Date()) as unknown as Array<Record<string, unknown>>,
          }))
          return {}
        },
      }),
    )
    await client.create(WidgetKind, ns, widget('self', 7))
    await eventually(async () => {
      const w = await client.get<Widget>(WidgetKind, ns, 'self')
      expect(findCondition(w.status?.conditions as unknown as Condition[], 'Ready')).to.include({ status: 'True', observedGeneration: 1, message: 'Saw n=7' })
    }, { timeoutMs: 15_000, intervalMs: 50 })
    await eventually(async () => {
      const before = count
      await consistently(() => void expect(count).to.equal(before), { timeoutMs: 500 })
    }, { timeoutMs: 15_000, intervalMs: 50 })
    const settled = count
    await consistently(() => void expect(count).to.equal(settled), { timeoutMs: 3000, intervalMs: 200 })
    expect(settled).to.be.at.most(3)
  })

  it('reconciles changes made after kube-apiserver was stopped and restarted, without a restart of its own', async () => {
    const plane = await getTestControlPlane()
    const ns = await createTestNamespace('mgr-restart')
    const seen = new Map<string, number>()
    const { manager } = start(ns, (m) => {
      const cache = m.informer<Widget>(WidgetKind)
      return build(controllerFor(WidgetKind).named('restart'), {
        reconcile: async (req) => {
          const n = cache.get(req.namespace, req.name)?.spec?.n
          if (n === undefined) seen.delete(req.name)
          else seen.set(req.name, n)
          return {}
        },
      })
    })
    await client.create(WidgetKind, ns, widget('before', 1))
    await client.create(WidgetKind, ns, widget('doomed', 1))
    await eventually(() => expect(Object.fromEntries(seen)).to.deep.equal({ before: 1, doomed: 1 }), { timeoutMs: 15_000, intervalMs: 50 })

    await plane.stopApiServer()
    await plane.startApiServer()
    await client.patch(WidgetKind, ns, 'before', { spec: { n: 2 } }, patchContentType.merge)
    await client.create(WidgetKind, ns, widget('after', 3))
    await client.delete(WidgetKind, ns, 'doomed')

    await eventually(() => expect(Object.fromEntries(seen)).to.deep.equal({ before: 2, after: 3 }), { timeoutMs: 30_000, intervalMs: 50 })
    expect(manager.readyz().ok).to.equal(true)
  })

  it('reconciles on the leader only and hands over within the lease time when the leader dies', async () => {
    const ns = await createTestNamespace('mgr-leader')
    const timing = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 }
    const lease = (identity: string): LeaderElectionOptions => ({ namespace: ns, name: 'test-controller-lock', identity, ...timing, releaseOnCancel: false })
    const reconciledBy: Record<string, string[]> = { a: [], b: [] }
    const wire = (id: 'a' | 'b') => () => build(controllerFor(WidgetKind).named('leader'), { reconcile: async (req) => (reconciledBy[id]?.push(req.name), {}) })

    const a = start(ns, wire('a'), lease('manager-a'))
    await eventually(() => expect(a.manager.isLeader()).to.equal(true), { timeoutMs: 15_000, intervalMs: 50 })
    const b = start(ns, wire('b'), lease('manager-b'))
    await eventually(() => expect(b.manager.readyz().ok).to.equal(true), { timeoutMs: 15_000, intervalMs: 50 })
    for (const name of ['w1', 'w2', 'w3']) await client.create(WidgetKind, ns, widget(name))
    await eventually(() => expect([...(reconciledBy['a'] ?? [])].sort()).to.deep.equal(['w1', 'w2', 'w3']), { timeoutMs: 15_000, intervalMs: 50 })
    await consistently(() => void expect([b.manager.isLeader(), reconciledBy['b']]).to.deep.equal([false, []]), { timeoutMs: 1500 })

    // "Kill" the leader: it stops without releasing the lease, so the follower must wait for expiry.
    a.manager.stop()
    expect(await a.exit).to.deep.equal({ reason: 'shutdown', drainedInTime: true })
    const stoppedAt = Date.now()
    await client.create(WidgetKind, ns, widget('w4'))
    await eventually(() => expect(reconciledBy['b']).to.include('w4'), { timeoutMs: 15_000, intervalMs: 50 })
    expect(Date.now() - stoppedAt).to.be.lessThan(timing.leaseDurationMs + 2 * timing.retryPeriodMs + 2000)
    expect(b.manager.isLeader()).to.equal(true)
  })
})
