import { ApiException, AppsV1Api, CoreV1Api } from '@kubernetes/client-node'
import { expect } from 'chai'
import { createTestNamespace, FakeNodeName, getTestControlPlane } from '../src/index.js'
import { eventually, notYet } from '@thv/testkit'

const TIMEOUT_MS = 60_000

describe('control plane: controllers, scheduler and kwok', () => {
  it('rolls a 1-replica Deployment out to Available on the kwok node', async () => {
    const plane = await getTestControlPlane()
    const namespace = await createTestNamespace('deploy')
    const kc = plane.kubeConfig()
    const apps = kc.makeApiClient(AppsV1Api)
    const labels = { app: 'web' }
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'example.invalid/web:1' }] } },
        },
      },
    })
    const deployment = await eventually(
      async () => {
        const d = await apps.readNamespacedDeployment({ namespace, name: 'web' })
        const available = d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True')
        return available && d.status?.availableReplicas === 1 ? d : notYet()
      },
      { description: 'Deployment web Available', timeoutMs: TIMEOUT_MS, intervalMs: 250 },
    )
    expect(deployment.status?.readyReplicas).to.equal(1)
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: 'app=web' })
    expect(pods.items).to.have.length(1)
    const pod = pods.items[0]
    expect(pod?.spec?.nodeName).to.equal(FakeNodeName)
    expect(pod?.status?.phase).to.equal('Running')
    expect(pod?.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True')
    expect(pod?.status?.podIP).to.match(/^10\.244\./)
  })

  it('deletes owned objects when their owner is deleted (garbage collector)', async () => {
    const plane = await getTestControlPlane()
    const namespace = await createTestNamespace('gc')
    const core = plane.kubeConfig().makeApiClient(CoreV1Api)
    const owner = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'owner' }, data: { role: 'owner' } } })
    const ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid as string, controller: true }]
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'owned', ownerReferences } } })
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'owned', ownerReferences }, stringData: { k: 'v' } } })
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'bystander' } } })

    await core.deleteNamespacedConfigMap({ namespace, name: 'owner', propagationPolicy: 'Background' })
    const gone = async (read: () => Promise<unknown>) => {
      try {
        await read()
        return notYet()
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return true
        throw err
      }
    }
    await eventually(() => gone(() => core.readNamespacedConfigMap({ namespace, name: 'owned' })), {
      description: 'owned ConfigMap garbage-collected',
      timeoutMs: TIMEOUT_MS,
      intervalMs: 250,
    })
    await eventually(() => gone(() => core.readNamespacedSecret({ namespace, name: 'owned' })), {
      description: 'owned Secret garbage-collected',
      timeoutMs: TIMEOUT_MS,
      intervalMs: 250,
    })
    const rest = await core.listNamespacedConfigMap({ namespace })
    expect(rest.items.map((c) => c.metadata?.name)).to.include('bystander').and.not.include('owned')
  })
})
