import { CoreV1Api } from '@kubernetes/client-node'
import { expect } from 'chai'
import { apiGet } from '../src/api-http.js'
import { createTestNamespace, getTestControlPlane } from '../src/index.js'
import { eventually, notYet } from '@thv/testkit'

describe('control plane: etcd restart (issue 9)', () => {
  it('stops and restarts etcd; kube-apiserver is unready meanwhile, then serves the data written before', async () => {
    const plane = await getTestControlPlane()
    const namespace = await createTestNamespace('etcd-restart')
    const core = plane.kubeConfig().makeApiClient(CoreV1Api)
    const created = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'before' }, data: { a: '1' } } })
    const etcdBefore = plane.pids().etcd
    const apiServerBefore = plane.pids()['kube-apiserver']

    try {
      await plane.stopEtcd()
      expect(plane.pids().etcd).to.equal(undefined)
      // kube-apiserver keeps running and reports its etcd check as failed.
      const unready = await eventually(async () => {
        const res = await apiGet(plane.adminEndpoint, '/readyz?verbose')
        return res.status !== 200 ? res : notYet()
      }, { description: 'kube-apiserver /readyz failing without etcd', timeoutMs: 30_000, intervalMs: 200 })
      expect(unready.status).to.equal(500)
      expect(unready.body).to.contain('[-]etcd failed')
      expect(plane.pids()['kube-apiserver']).to.equal(apiServerBefore)
    } finally {
      await plane.startEtcd()
    }

    const etcdAfter = plane.pids().etcd
    expect(etcdAfter).to.be.a('number').and.not.equal(etcdBefore)
    expect(plane.pids()['kube-apiserver'], 'kube-apiserver was not restarted').to.equal(apiServerBefore)
    expect((await apiGet(plane.adminEndpoint, '/readyz')).status).to.equal(200)
    // The same data folder: the object is there with the same resourceVersion, and the same client writes again.
    const read = await core.readNamespacedConfigMap({ namespace, name: 'before' })
    expect([read.data, read.metadata?.resourceVersion]).to.deep.equal([{ a: '1' }, created.metadata?.resourceVersion])
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'after' }, data: { b: '2' } } })
    const names = (await core.listNamespacedConfigMap({ namespace })).items.map((cm) => cm.metadata?.name).sort()
    expect(names).to.deep.equal(['after', 'before'])
  })
})
