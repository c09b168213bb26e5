import { CoreV1Api, type CoreV1Event, type KubeConfig, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { expect, use } from 'chai'
import chaiAsPromised from 'chai-as-promised'
import {
  addFinalizer,
  applyObject,
  ConfigMapKind,
  controllerReference,
  createEventRecorder,
  httpStatusOf,
  KubeClient,
  removeFinalizer,
  StatusConflictError,
  updateStatus,
} from '../src/index.js'
import { eventually } from '@thv/testkit'
import { installCrd, WidgetKind, type Widget } from './int-support.js'

type WidgetStatus = NonNullable<Widget['status']>

use(chaiAsPromised)

describe('helpers (real control plane)', function () {
  this.timeout(60_000)
  let kc: KubeConfig
  let client: KubeClient

  before(async () => {
    const plane = await getTestControlPlane()
    kc = plane.kubeConfig()
    client = new KubeClient(kc)
    await installCrd(kc)
  })

  const create = (ns: string, name: string) =>
    client.create<Widget>(WidgetKind, ns, { apiVersion: 'reconcile.test.thv.dev/v1', kind: 'Widget', metadata: { name }, spec: { n: 1 } } as Widget)

  describe('updateStatus', () => {
    it('writes status through the subresource without bumping generation, and removes dropped keys', async () => {
      const ns = await createTestNamespace('status')
      await create(ns, 'w')
      await updateStatus<WidgetStatus, Widget>(client, WidgetKind, { namespace: ns, name: 'w' }, () => ({ seen: 1, observedGeneration: 1 }))
      const stored = await updateStatus<WidgetStatus, Widget>(client, WidgetKind, { namespace: ns, name: 'w' }, () => ({ seen: 2 }))
      expect([stored?.status, stored?.metadata?.generation]).to.deep.equal([{ seen: 2 }, 1])
    })

    it('sends nothing when the status is unchanged', async () => {
      const ns = await createTestNamespace('status-same')
      await create(ns, 'w')
      const first = await updateStatus<WidgetStatus, Widget>(client, WidgetKind, { namespace: ns, name: 'w' }, () => ({ seen: 1 }))
      const second = await updateStatus<WidgetStatus, Widget>(client, WidgetKind, { namespace: ns, name: 'w' }, () => ({ seen: 1 }))
      expect(second?.metadata?.resourceVersion).to.equal(first?.metadata?.resourceVersion)
    })

    it('re-reads and recomputes on 409 Conflict', async () => {
      const ns = await createTestNamespace('status-conflict')
      await create(ns, 'w')
      let calls = 0
      const stored = await updateStatus<WidgetStatus, Widget>(client, WidgetKind, { namespace: ns, name: 'w' }, async (w) => {
        calls++
        // A concurrent writer changes the object after our read on the first attempt only.
        if (calls === 1) await client.patch(WidgetKind, ns, 'w', { spec: { n: 2 } }, 'application/merge-patch+json')
        return { seen: w.spec?.n }
      })
      expect([calls, stored?.status]).to.deep.equal([2, { seen: 2 }])
    })

    it('gives up with StatusConflictError after maxAttempts conflicts', async () => {
      const ns = await createTestNamespace('status-give-up')
      await create(ns, 'w')
      let n = 1
      const attempt = updateStatus<WidgetStatus, Widget>(client, WidgetKind, { namespace: ns, name: 'w' }, async () => {
        await client.patch(WidgetKind, ns, 'w', { spec: { n: ++n } }, 'application/merge-patch+json')
        return { seen: n }
      }, { maxAttempts: 2 })
      await expect(attempt).to.be.rejectedWith(StatusConflictError, `Could not update status of Widget ${ns}/w: still conflicting after 2 attempts`)
    })

    it('resolves undefined for an object that does not exist', async () => {
      const ns = await createTestNamespace('status-missing')
      expect(await updateStatus<WidgetStatus, Widget>(client, WidgetKind, { namespace: ns, name: 'nope' }, () => ({ seen: 1 }))).to.equal(undefined)
    })
  })

  describe('finalizers', () => {
    it('adds and removes a finalizer, refusing a stale object with 409', async () => {
      const ns = await createTestNamespace('finalizers')
      const w = await create(ns, 'w')
      const withF = await addFinalizer(client, WidgetKind, w, 'test.thv.dev/cleanup')
      expect(withF.metadata?.finalizers).to.deep.equal(['test.thv.dev/cleanup'])
      const stale: unknown = await addFinalizer(client, WidgetKind, w, 'test.thv.dev/other').catch((err: unknown) => err)
      expect(httpStatusOf(stale)).to.equal(409)
      const without = await removeFinalizer(client, WidgetKind, withF, 'test.thv.dev/cleanup')
      expect(without.metadata?.finalizers).to.equal(undefined)
    })
  })

  describe('applyObject', () => {
    it('creates and updates a child by server-side apply with a field manager and controller reference', async () => {
      const ns = await createTestNamespace('apply')
      const owner = await create(ns, 'owner')
      const desired = (v: string): V1ConfigMap => ({ metadata: { name: 'child', namespace: ns, ownerReferences: [controllerReference(owner)] }, data: { v } })
      await applyObject(client, ConfigMapKind, desired('1'), { fieldManager: 'test-operator' })
      const applied = await applyObject<V1ConfigMap>(client, ConfigMapKind, desired('2'), { fieldManager: 'test-operator' })
      expect(applied.data).to.deep.equal({ v: '2' })
      expect(applied.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.controller])).to.deep.equal([['Widget', 'owner', true]])
      expect(applied.metadata?.managedFields?.map((f) => [f.manager, f.operation])).to.deep.equal([['test-operator', 'Apply']])
    })
  })

  describe('createEventRecorder', () => {
    it('creates one Event per distinct occurrence and bumps count on repeats', async () => {
      const ns = await createTestNamespace('events')
      const w = await create(ns, 'w')
      const recorder = createEventRecorder({ client, component: 'test-operator' })
      await recorder.event(w, 'Normal', 'Synced', 'Synced 3 servers')
      await recorder.event(w, 'Normal', 'Synced', 'Synced 3 servers')
      await recorder.event(w, 'Warning', 'FetchFailed', 'HTTP 503 from source')
      const core = kc.makeApiClient(CoreV1Api)
      await eventually(async () => {
        const events = (await core.listNamespacedEvent({ namespace: ns })).items as CoreV1Event[]
        const summary = events
          .map((e) => [e.involvedObject.kind, e.involvedObject.name, e.involvedObject.uid, e.type, e.reason, e.message, e.count, e.source?.component])
          .sort((a, b) => String(a[4]).localeCompare(String(b[4])))
        expect(summary).to.deep.equal([
          ['Widget', 'w', (w as KubernetesObject).metadata?.uid, 'Warning', 'FetchFailed', 'HTTP 503 from source', 1, 'test-operator'],
          ['Widget', 'w', (w as KubernetesObject).metadata?.uid, 'Normal', 'Synced', 'Synced 3 servers', 2, 'test-operator'],
        ])
      }, { timeoutMs: 15_000, intervalMs: 50 })
    })
  })
})
