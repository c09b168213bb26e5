import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { expect } from 'chai'
import { ConfigMapKind, createFakeClock, Informer, keepMetadataOnly, KubeClient, patchContentType, type WatchEvent } from '../src/index.js'
import { consistently, eventually } from '@thv/testkit'
import { etcdClient, installCrd, uniqueKind, WidgetKind, type Widget } from './int-support.js'

describe('Informer (real control plane)', function () {
  this.timeout(120_000)
  let client: KubeClient
  const informers: Informer[] = []
  const track = <T extends Informer>(i: T): T => {
    informers.push(i)
    return i
  }

  before(async () => {
    const plane = await getTestControlPlane()
    client = new KubeClient(plane.kubeConfig())
    await installCrd(plane.kubeConfig())
  })

  afterEach(async () => {
    await Promise.all(informers.splice(0).map((i) => i.stop()))
  })

  it('lists, then delivers creates, updates and deletes, and keeps indexes current', async () => {
    const ns = await createTestNamespace('inf-basic')
    await client.create(ConfigMapKind, ns, { metadata: { name: 'pre', labels: { src: 'a' } } })
    const informer = track(new Informer(client, ConfigMapKind, { namespace: ns }))
    informer.addIndex('bySrc', (o) => [o.metadata?.labels?.['src'] ?? ''])
    const events: string[] = []
    informer.addHandler((e: WatchEvent) => events.push(`${e.type}:${e.object.metadata?.name}`))
    informer.start()
    expect(await informer.waitForSync(10_000)).to.equal(true)
    expect(events).to.deep.equal(['create:pre'])

    await client.create(ConfigMapKind, ns, { metadata: { name: 'b', labels: { src: 'a' } } })
    await client.patch(ConfigMapKind, ns, 'pre', { metadata: { labels: { src: 'z' } } }, patchContentType.merge)
    await client.delete(ConfigMapKind, ns, 'b')
    await eventually(() => expect(events).to.deep.equal(['create:pre', 'create:b', 'update:pre', 'delete:b']), { timeoutMs: 15_000, intervalMs: 50 })
    expect(informer.byIndex('bySrc', 'z').map((o) => o.metadata?.name)).to.deep.equal(['pre'])
    expect(informer.byIndex('bySrc', 'a')).to.deep.equal([])
    expect(informer.list(ns).map((o) => [o.kind, o.apiVersion, o.metadata?.name])).to.deep.equal([['ConfigMap', 'v1', 'pre']])
  })

  it('replays the cache to late handlers and re-delivers it as updates on each resync period', async () => {
    const ns = await createTestNamespace('inf-resync')
    await client.create(ConfigMapKind, ns, { metadata: { name: 'a' } })
    const clock = createFakeClock(Date.now())
    const informer = track(new Informer(client, ConfigMapKind, { namespace: ns, resyncPeriodMs: 60_000, clock }))
    informer.start()
    await informer.waitForSync(10_000)
    const events: string[] = []
    informer.addHandler((e) => events.push(`${e.type}:${e.object.metadata?.name}:${e.type === 'update' && e.old === e.object}`))
    expect(events).to.deep.equal(['create:a:false'])
    clock.advance(59_999)
    expect(events).to.have.length(1)
    clock.advance(1)
    clock.advance(60_000)
    expect(events).to.deep.equal(['create:a:false', 'update:a:true', 'update:a:true'])
  })

  it('caches and delivers what its transform returns, for listed, watched and deleted objects', async () => {
    const ns = await createTestNamespace('inf-transform')
    await client.create(ConfigMapKind, ns, { metadata: { name: 'listed' }, data: { big: 'x'.repeat(10_000) } })
    const informer = track(new Informer(client, ConfigMapKind, { namespace: ns, transform: keepMetadataOnly }))
    const seen: string[] = []
    const contents = (o: object): string[] => Object.keys(o).filter((k) => k !== 'metadata').sort()
    informer.addHandler((e) => seen.push(`${e.type}:${e.object.metadata?.name}:${contents(e.object).join(',')}${e.type === 'update' ? `:${contents(e.old).join(',')}` : ''}`))
    informer.start()
    await informer.waitForSync(10_000)
    await client.create(ConfigMapKind, ns, { metadata: { name: 'watched' }, data: { a: '1' }, binaryData: { b: 'AA==' } })
    await client.patch(ConfigMapKind, ns, 'listed', { data: { big: 'y' } }, patchContentType.merge)
    await client.delete(ConfigMapKind, ns, 'watched')
    await eventually(() => expect(seen).to.deep.equal([
      'create:listed:apiVersion,kind', 'create:watched:apiVersion,kind', 'update:listed:apiVersion,kind:apiVersion,kind', 'delete:watched:apiVersion,kind',
    ]), { timeoutMs: 15_000, intervalMs: 50 })
    expect(informer.list().map((o) => [o.metadata?.name, contents(o), o.metadata?.resourceVersion !== undefined])).to.deep.equal([['listed', ['apiVersion', 'kind'], true]])
  })

  it('narrows by label selector', async () => {
    const ns = await createTestNamespace('inf-selector')
    await client.create(ConfigMapKind, ns, { metadata: { name: 'in', labels: { pick: 'yes' } } })
    await client.create(ConfigMapKind, ns, { metadata: { name: 'out', labels: { pick: 'no' } } })
    const informer = track(new Informer(client, ConfigMapKind, { namespace: ns, labelSelector: 'pick=yes' }))
    informer.start()
    await informer.waitForSync(10_000)
    expect(informer.list().map((o) => o.metadata?.name)).to.deep.equal(['in'])
  })

  it('keeps retrying a kind whose CRD does not exist yet and starts once it is installed', async () => {
    const plane = await getTestControlPlane()
    const ns = await createTestNamespace('inf-late-crd')
    const lateKind = uniqueKind('Late')
    const informer = track(new Informer<Widget>(client, lateKind, { namespace: ns, backoff: { baseMs: 50, maxMs: 500, jitter: 0.2 } }))
    informer.start()
    await eventually(() => expect(informer.stats().failures).to.be.greaterThan(2), { description: 'repeated 404s', timeoutMs: 15_000, intervalMs: 50 })
    expect(informer.hasSynced()).to.equal(false)
    await installCrd(plane.kubeConfig(), lateKind)
    await eventually(() => expect(informer.hasSynced()).to.equal(true), { description: 'late informer synced', timeoutMs: 15_000, intervalMs: 50 })
    await client.create(lateKind, ns, { apiVersion: 'reconcile.test.thv.dev/v1', kind: lateKind.kind, metadata: { name: 'x' }, spec: { n: 1 } } as Widget)
    await eventually(() => expect(informer.get(ns, 'x')?.spec).to.deep.equal({ n: 1 }), { timeoutMs: 15_000, intervalMs: 50 })
  })

  it('does not lag on a quiet watch: a change after 35 s of silence arrives at once', async function () {
    this.timeout(90_000)
    const ns = await createTestNamespace('inf-quiet')
    const informer = track(new Informer(client, ConfigMapKind, { namespace: ns }))
    informer.start()
    await informer.waitForSync(10_000)
    // Quiet for longer than client-node's 30 s inactivity abort; the informer must still be watching.
    await consistently(() => void expect(informer.list()).to.deep.equal([]), { timeoutMs: 35_000, intervalMs: 1000 })
    const t0 = Date.now()
    await client.create(ConfigMapKind, ns, { metadata: { name: 'late' } })
    await eventually(() => expect(informer.get(ns, 'late')).not.to.equal(undefined), { timeoutMs: 2000, intervalMs: 10 })
    expect(Date.now() - t0).to.be.lessThan(2000)
    expect(informer.stats().failures).to.equal(0)
  })

  it('re-lists after 410 Gone instead of stalling, and sees changes made while it was cut off', async () => {
    const plane = await getTestControlPlane()
    const ns = await createTestNamespace('inf-410')
    await client.create(WidgetKind, ns, { apiVersion: 'reconcile.test.thv.dev/v1', kind: 'Widget', metadata: { name: 'keep' }, spec: { n: 1 } } as Widget)
    const informer = track(new Informer<Widget>(client, WidgetKind, { namespace: ns, backoff: { baseMs: 50, maxMs: 500, jitter: 0.2 } }))
    informer.start()
    await informer.waitForSync(10_000)
    const staleRv = Number(informer.lastResourceVersion())

    // Cut the informer off, move etcd past its resourceVersion and compact: neither the new watch cache nor etcd
    // can serve a watch from the old resourceVersion any more, so resuming must get 410 Gone.
    await plane.stopApiServer()
    const etcd = etcdClient(plane.ports.etcdClient)
    const revision = await etcd.bump()
    await etcd.compact(revision)
    await plane.startApiServer()
    expect(revision).to.be.greaterThan(staleRv)
    await client.patch(WidgetKind, ns, 'keep', { spec: { n: 2 } }, patchContentType.merge)

    await eventually(() => expect(informer.get(ns, 'keep')?.spec).to.deep.equal({ n: 2 }), { timeoutMs: 30_000, description: 'change after 410', intervalMs: 50 })
    const stats = informer.stats()
    expect(stats.expired).to.be.greaterThan(0)
    expect(stats.lists).to.be.greaterThan(1)
  })
})
