// Issue 8 scenario 6: two registries in two namespaces with different sources stay isolated: each API serves only
// its own data, and each API's ServiceAccount token can read its own storage but not the other's.
import { CoreV1Api } from '@kubernetes/client-node'
import { createTestNamespace, systemPlane } from '@thv/control-plane'
import { expect } from 'chai'
import {
  applyRegistry, applySourceConfigMap, eventually, getToolHiveDocument, isApiStatus, loadToolHiveFixture, readApiDeployment,
  subsetOf, toolHiveKeys, waitForRegistryReady, type ApiHandle, type ToolHiveDocument,
} from '@thv/testkit'
import { getSystem, stopSystem, type E2ESystem } from '@thv/testkit'

after(stopSystem)

describe('isolation between registries (issue 8 scenario 6)', function () {
  const fixture = loadToolHiveFixture()
  const keys = toolHiveKeys(fixture)
  const sides = [
    { name: 'alpha', data: subsetOf(fixture, (k) => keys.indexOf(k) % 2 === 0) },
    { name: 'beta', data: subsetOf(fixture, (k) => keys.indexOf(k) % 2 === 1) },
  ]
  let sys: E2ESystem
  const namespaces: string[] = []
  const apis: ApiHandle[] = []

  before(async function () {
    sys = await getSystem({ plane: systemPlane })
    for (const side of sides) {
      const ns = await createTestNamespace(`e2e-${side.name}`)
      namespaces.push(ns)
      await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(side.data))
      await applyRegistry(sys.kc, ns, side.name, { source: { type: 'configmap', configmap: { name: 'registry-data' } } })
    }
    for (const [i, side] of sides.entries()) {
      await waitForRegistryReady(sys.kc, namespaces[i] as string, side.name, { timeoutMs: 90_000 })
      apis.push(await sys.startApi(namespaces[i] as string, side.name))
    }
  })

  after(async () => {
    await Promise.all(apis.map((a) => a.stop()))
  })

  it('serves only its own data from each API', async function () {
    for (const [i, side] of sides.entries()) {
      const doc: ToolHiveDocument = await eventually(() => getToolHiveDocument(apis[i]!.baseUrl), { timeoutMs: 10_000 })
      expect(toolHiveKeys(doc), side.name).to.deep.equal(toolHiveKeys(side.data))
    }
  })

  it("lets each API's ServiceAccount read its own storage and nothing of the other registry", async function () {
    for (const [i, side] of sides.entries()) {
      const ns = namespaces[i] as string
      const other = { ns: namespaces[1 - i] as string, name: sides[1 - i]!.name }
      const spec = await readApiDeployment(sys.kc, ns, side.name)
      const core = (await sys.plane.kubeConfigForServiceAccount(ns, spec!.serviceAccountName)).makeApiClient(CoreV1Api)
      const own = await core.readNamespacedConfigMap({ namespace: ns, name: `${side.name}-registry-storage` })
      expect(own.metadata?.name).to.equal(`${side.name}-registry-storage`)
      for (const attempt of [
        () => core.readNamespacedConfigMap({ namespace: other.ns, name: `${other.name}-registry-storage` }),
        () => core.listNamespacedConfigMap({ namespace: other.ns }),
        () => core.readNamespacedConfigMap({ namespace: ns, name: 'registry-data' }),
        () => core.listNamespacedSecret({ namespace: ns }),
      ]) {
        const err = await attempt().then(() => undefined, (e: unknown) => e)
        expect(isApiStatus(err, 403), `${side.name}: ${String(err)}`).to.equal(true)
      }
    }
  })
})
