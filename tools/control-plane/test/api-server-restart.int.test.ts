import { CoreV1Api } from '@kubernetes/client-node'
import { expect } from 'chai'
import { createTestNamespace, getTestControlPlane } from '../src/index.js'

describe('control plane: kube-apiserver restart', () => {
  it('stops and restarts kube-apiserver; existing clients work again and data survives', async () => {
    const plane = await getTestControlPlane()
    const namespace = await createTestNamespace('restart')
    const core = plane.kubeConfig().makeApiClient(CoreV1Api)
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'before' }, data: { a: '1' } } })
    const pidBefore = plane.pids()['kube-apiserver']

    await plane.stopApiServer()
    expect(plane.pids()['kube-apiserver']).to.equal(undefined)
    const whileDown = await core.listNamespacedConfigMap({ namespace }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string; cause?: { code?: string } },
    )
    expect(whileDown, 'a request while kube-apiserver is down must fail').to.be.instanceOf(Error)
    expect(JSON.stringify({ m: whileDown?.message, c: whileDown?.code, cc: whileDown?.cause?.code })).to.contain('ECONNREFUSED')

    await plane.startApiServer()
    const pidAfter = plane.pids()['kube-apiserver']
    expect(pidAfter).to.be.a('number').and.not.equal(pidBefore)
    // The same client object (same port, same CA, same token) works again, and etcd kept the data.
    const cm = await core.readNamespacedConfigMap({ namespace, name: 'before' })
    expect(cm.data).to.deep.equal({ a: '1' })
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'after' } } })
  })
})
