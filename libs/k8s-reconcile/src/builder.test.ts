import type { KubernetesObject } from '@kubernetes/client-node'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { controllerBuilder, controllerFor, type ControllerBuilder } from './builder.js'
import { createFakeClock } from './clock.js'
import type { Controller } from './controller.js'
import { ConfigMapKind, type KindDescriptor } from './kind.js'
import { generationChanged } from './predicates.js'
import type { Reconciler } from './reconciler.js'

const WidgetKind: KindDescriptor = { group: 'test.thv.dev', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true }
const GadgetKind: KindDescriptor = { group: 'test.thv.dev', version: 'v1', kind: 'Gadget', plural: 'gadgets', namespaced: true }
const NodeKind: KindDescriptor = { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false }
const noop: Reconciler = { reconcile: async () => ({}) }

function problems(builder: ControllerBuilder, reconciler: Reconciler = noop): readonly string[] {
  const result = builder.complete(reconciler)
  return E.isLeft(result) ? result.left.problems : []
}

function built(builder: ControllerBuilder): Controller {
  const result = builder.complete(noop)
  if (E.isLeft(result)) throw result.left
  return result.right
}

describe('ControllerBuilder', () => {
  const cases: ReadonlyArray<[string, () => ControllerBuilder, readonly string[], Reconciler?]> = [
    ['accepts a complete wiring', () => controllerFor(WidgetKind).owns(ConfigMapKind).named('widget'), []],
    ['reports for called twice', () => controllerFor(WidgetKind).for(GadgetKind).named('widget'), ['for(Gadget) called after for(Widget); a controller has exactly one primary kind']],
    ['reports a missing for', () => controllerBuilder().named('widget'), ['no primary kind: call for(kind)']],
    ['reports a missing name', () => controllerFor(WidgetKind), ['no name: call named(name)']],
    ['reports named twice', () => controllerFor(WidgetKind).named('a').named('b'), ['named("b") called after named("a")']],
    ['reports an invalid name', () => controllerFor(WidgetKind).named('Widget Controller'), ['name "Widget Controller" must match ^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$']],
    ['reports bad concurrency', () => controllerFor(WidgetKind).named('w').withOptions({ maxConcurrentReconciles: 0 }), ['maxConcurrentReconciles must be an integer >= 1 (got 0)']],
    ['reports a cluster-scoped child of a namespaced owner', () => controllerFor(WidgetKind).owns(NodeKind).named('w'), ['owns(Node): a cluster-scoped object cannot be owned by namespaced Widget']],
    ['reports a missing reconciler', () => controllerFor(WidgetKind).named('w'), ['complete needs a Reconciler with a reconcile method'], {} as Reconciler],
    [
      'reports every problem at once',
      () => controllerBuilder().for(WidgetKind).for(GadgetKind).withOptions({ maxConcurrentReconciles: 1.5 }),
      ['for(Gadget) called after for(Widget); a controller has exactly one primary kind', 'no name: call named(name)', 'maxConcurrentReconciles must be an integer >= 1 (got 1.5)'],
    ],
  ]
  for (const [title, make, expected, reconciler] of cases) {
    it(title, () => expect(problems(make(), reconciler)).to.deep.equal(expected))
  }

  it('does not throw in the middle of a misused chain', () => {
    expect(() => controllerBuilder().for(WidgetKind).for(WidgetKind).named('a').named('a').withEventFilter(generationChanged)).not.to.throw()
  })

  it('lists the primary watch first, then owned and mapped watches in call order', () => {
    const controller = built(controllerFor(WidgetKind).watches(GadgetKind, () => []).owns(ConfigMapKind, { labelSelector: 'app=w', optional: true }).named('w'))
    expect(controller.spec.watches.map((w) => [w.role, w.kind.kind, w.selector, w.optional])).to.deep.equal([
      ['for', 'Widget', {}, false],
      ['watches', 'Gadget', {}, false],
      ['owns', 'ConfigMap', { labelSelector: 'app=w' }, true],
    ])
  })
})

describe('Controller watch handlers', () => {
  const widget = (generation: number): KubernetesObject => ({ apiVersion: 'test.thv.dev/v1', kind: 'Widget', metadata: { namespace: 'ns', name: 'w1', generation } })
  const child = (owner: string, controller = true, apiVersion = 'test.thv.dev/v1'): KubernetesObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: 'ns', name: `cm-${owner}`, ownerReferences: [{ apiVersion, kind: 'Widget', name: owner, uid: 'u', controller }] },
  })
  const queued = (c: Controller) => {
    const keys: string[] = []
    while (c.queue.len() > 0) {
      void c.queue.get().then((k) => keys.push(k as string))
    }
    return Promise.resolve().then(() => keys)
  }

  it('enqueues the primary object key, filtered by the event filters', async () => {
    const c = built(controllerFor(WidgetKind).withEventFilter(generationChanged).named('w'))
    const handle = c.handlerFor(c.spec.watches[0]!)
    handle({ type: 'update', old: widget(1), object: widget(1) })
    expect(await queued(c)).to.deep.equal([])
    handle({ type: 'update', old: widget(1), object: widget(2) })
    expect(await queued(c)).to.deep.equal(['ns/w1'])
  })

  it('maps an owned child to its controller owner of the primary kind only', async () => {
    const c = built(controllerFor(WidgetKind).owns(ConfigMapKind).named('w'))
    const handle = c.handlerFor(c.spec.watches[1]!)
    handle({ type: 'create', object: child('owner-a') })
    handle({ type: 'create', object: child('not-controller', false) })
    handle({ type: 'create', object: child('other-group', true, 'other.dev/v1') })
    handle({ type: 'delete', object: child('owner-b') })
    expect(await queued(c)).to.deep.equal(['ns/owner-a', 'ns/owner-b'])
  })

  it('enqueues the owners of both the old and the new child on update', async () => {
    const c = built(controllerFor(WidgetKind).owns(ConfigMapKind).named('w'))
    c.handlerFor(c.spec.watches[1]!)({ type: 'update', old: child('old-owner'), object: child('new-owner') })
    expect(await queued(c)).to.deep.equal(['ns/old-owner', 'ns/new-owner'])
  })

  it('enqueues the keys returned by a watches map function', async () => {
    const c = built(
      controllerFor(WidgetKind)
        .watches(ConfigMapKind, (o) => [{ namespace: 'ns', name: `${o.metadata?.name}-a` }, { namespace: 'other', name: 'b' }])
        .named('w'),
    )
    c.handlerFor(c.spec.watches[1]!)({ type: 'create', object: { metadata: { namespace: 'ns', name: 'src' } } })
    expect(await queued(c)).to.deep.equal(['ns/src-a', 'other/b'])
  })

  it('coalesces a burst on a watch with coalesceMs into one queued key after the window', async () => {
    const clock = createFakeClock()
    const c = built(
      controllerFor(WidgetKind)
        .watches(ConfigMapKind, () => [{ namespace: 'ns', name: 'w' }], { coalesceMs: 250 })
        .named('w')
        .withOptions({ clock }),
    )
    const handle = c.handlerFor(c.spec.watches[1]!)
    for (let i = 0; i < 100; i++) {
      handle({ type: 'create', object: { metadata: { namespace: 'ns', name: `cm-${i}` } } })
      clock.advance(1)
    }
    expect(c.queue.len()).to.equal(0)
    clock.advance(150)
    expect(await queued(c)).to.deep.equal(['ns/w'])
  })
})
