// Issue 8 scenario 5: the manual sync-trigger annotation is honoured and recorded; editing the filter changes what
// the API serves, exactly as the filter semantics in libs/converters/README.md say.
import { createTestNamespace, systemPlane } from '@thv/control-plane'
import { expect } from 'chai'
import {
  annotateRegistry, applyRegistry, patchRegistry, applySourceConfigMap, eventually, getToolHiveDocument, keysWithTag, loadToolHiveFixture,
  readRegistry, toolHiveKeys, waitForRegistryReady, type ApiHandle,
} from '@thv/testkit'
import { getSystem, stopSystem, type E2ESystem } from '@thv/testkit'

after(stopSystem)

describe('sync triggers and filters (issue 8 scenario 5)', function () {
  const fixture = loadToolHiveFixture()
  const name = 'filtered'
  let sys: E2ESystem
  let ns: string
  let api: ApiHandle | undefined

  before(async function () {
    sys = await getSystem({ plane: systemPlane })
    ns = await createTestNamespace('e2e-triggers')
    await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(fixture))
    await applyRegistry(sys.kc, ns, name, {
      displayName: 'Filtered e2e registry',
      source: { type: 'configmap', configmap: { name: 'registry-data' } },
      syncPolicy: { type: 'manual' },
    })
    await waitForRegistryReady(sys.kc, ns, name, { timeoutMs: 90_000 })
    api = await sys.startApi(ns, name)
  })

  after(async () => {
    await api?.stop()
  })

  it('records a new sync-trigger annotation value in status.lastManualSyncTrigger', async function () {
    const trigger = `e2e-${Date.now()}`
    await annotateRegistry(sys.kc, ns, name, { 'toolhive.stacklok.dev/sync-trigger': trigger })
    const reg = await eventually(async () => {
      const r = await readRegistry(sys.kc, ns, name)
      expect(r?.status?.lastManualSyncTrigger).to.equal(trigger)
      return r
    }, { timeoutMs: 15_000, intervalMs: 200 })
    expect(reg?.status?.phase).to.equal('Ready')
    expect(reg?.status?.serverCount).to.equal(toolHiveKeys(fixture).length)
  })

  it('serves only the servers the tag filter keeps, and everything again once the filter is removed', async function () {
    if (!api) throw new Error('The API is not running; see the before hook')
    const database = keysWithTag(fixture, 'database')
    expect(database.length).to.be.within(2, toolHiveKeys(fixture).length - 1)
    const spec = { source: { type: 'configmap', configmap: { name: 'registry-data' } }, syncPolicy: { type: 'manual' } }
    await applyRegistry(sys.kc, ns, name, { ...spec, filter: { tags: { include: ['database'] } } })
    await waitForRegistryReady(sys.kc, ns, name, { extra: (r) => expect(r.status?.serverCount).to.equal(database.length) })
    await eventually(async () => expect(toolHiveKeys(await getToolHiveDocument(api!.baseUrl))).to.deep.equal(database), { timeoutMs: 10_000 })

    const excluded = database.filter((k) => k.includes('sql'))
    expect(excluded).to.not.be.empty
    await applyRegistry(sys.kc, ns, name, { ...spec, filter: { exclude: ['*sql*'], tags: { include: ['database'] } } })
    const expected = database.filter((k) => !excluded.includes(k))
    await eventually(async () => expect(toolHiveKeys(await getToolHiveDocument(api!.baseUrl))).to.deep.equal(expected), { timeoutMs: 10_000 })

    await patchRegistry(sys.kc, ns, name, { spec: { filter: null } })
    await eventually(async () => expect(toolHiveKeys(await getToolHiveDocument(api!.baseUrl))).to.deep.equal(toolHiveKeys(fixture)), { timeoutMs: 10_000 })
  })
})
