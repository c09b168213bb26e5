import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { expect } from 'chai'
import { ConfigMapKind, KubeClient, PooledKubeConfig } from '../src/index.js'

/** New TCP connections undici opens while `work` runs. */
async function connectionsOpenedBy(work: () => Promise<void>): Promise<number> {
  let opened = 0
  const count = (): void => void opened++
  subscribe('undici:client:connected', count)
  try {
    await work()
  } finally {
    unsubscribe('undici:client:connected', count)
  }
  return opened
}

describe('PooledKubeConfig (real control plane)', function () {
  this.timeout(60_000)
  let admin: KubeConfig

  before(async () => {
    admin = (await getTestControlPlane()).kubeConfig()
  })

  it('serves 20 requests of a KubeClient and a generated API client over a connection or two, where KubeConfig opens 20', async () => {
    const ns = await createTestNamespace('pooled-kc')
    const pooled = new PooledKubeConfig()
    pooled.loadFromString(admin.exportConfig())
    const requests = (kc: KubeConfig) => async (): Promise<void> => {
      const client = new KubeClient(kc)
      const core = kc.makeApiClient(CoreV1Api)
      for (let i = 0; i < 10; i++) {
        await client.list(ConfigMapKind, ns)
        await core.listNamespacedConfigMap({ namespace: ns })
      }
    }
    // A second connection opens when a request starts before undici has put the first one back in the pool.
    const [viaPool, viaKubeConfig] = [await connectionsOpenedBy(requests(pooled)), await connectionsOpenedBy(requests(admin))]
    expect({ viaPool: viaPool <= 2, viaKubeConfig }).to.deep.equal({ viaPool: true, viaKubeConfig: 20 })
  })
})
