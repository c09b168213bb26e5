// Issue 8 scenario 7: the operator SIGKILLed in the middle of syncs and restarted converges, and the API never
// serves a partial snapshot meanwhile (every response is exactly the old or the new data).
import { createTestNamespace } from '@thv/control-plane'
import { expect } from 'chai'
import {
  applyRegistry, applySourceConfigMap, getToolHiveDocument, httpGet, loadToolHiveFixture, subsetOf, toolHiveKeys,
  waitForRegistryReady, eventually, type ApiHandle, type ToolHiveDocument,
} from './src/index.js'
import { getSystem, stopSystem, type E2ESystem } from './src/system.js'

after(stopSystem)

describe('operator crash mid-sync (issue 8 scenario 7)', function () {
  const fixture = loadToolHiveFixture()
  const keys = toolHiveKeys(fixture)
  const name = 'crashy'
  let sys: E2ESystem
  let ns: string
  let api: ApiHandle | undefined

  before(async function () {
    sys = await getSystem()
    ns = await createTestNamespace('e2e-crash')
    await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(fixture))
    await applyRegistry(sys.kc, ns, name, { source: { type: 'configmap', configmap: { name: 'registry-data' } } })
    await waitForRegistryReady(sys.kc, ns, name, { timeoutMs: 90_000 })
    api = await sys.startApi(ns, name)
  })

  after(async () => {
    await api?.stop()
  })

  it('converges after SIGKILL during syncs and only ever serves complete snapshots', async function () {
    if (!api) throw new Error('The API is not running; see the before hook')
    // Each version is a distinct, complete key set; a partial snapshot would show a set that is none of them.
    const versions: ToolHiveDocument[] = [fixture, subsetOf(fixture, (k) => keys.indexOf(k) < 40), subsetOf(fixture, (k) => keys.indexOf(k) >= 20)]
    const allowed = new Set(versions.map((v) => toolHiveKeys(v).join(',')))
    const seen: string[] = []
    const bad: string[] = []
    let polling = true
    const poller = (async () => {
      while (polling) {
        const res = await httpGet(`${api!.baseUrl}/api/v1/registry/servers`).catch((err: Error) => ({ status: 0, json: undefined, text: err.message }))
        if (res.status !== 200) { bad.push(`status ${res.status}: ${res.text.slice(0, 200)}`); continue }
        const set = toolHiveKeys(res.json as ToolHiveDocument).join(',')
        if (!allowed.has(set)) bad.push(`partial or unknown key set of ${set.split(',').length} keys`)
        if (seen.at(-1) !== set) seen.push(set)
      }
    })()
    try {
      for (const [i, delayMs] of [[1, 0], [2, 150]] as const) {
        await applySourceConfigMap(sys.kc, ns, 'registry-data', JSON.stringify(versions[i]))
        await new Promise((resolve) => setTimeout(resolve, delayMs)) // the kill lands at different points of the sync
        await sys.killOperator()
        await sys.restartOperator()
        const expected = toolHiveKeys(versions[i] as ToolHiveDocument)
        await waitForRegistryReady(sys.kc, ns, name, { timeoutMs: 60_000, extra: (r) => expect(r.status?.serverCount).to.equal(expected.length) })
        await eventually(async () => expect(toolHiveKeys(await getToolHiveDocument(api!.baseUrl))).to.deep.equal(expected), { timeoutMs: 10_000 })
      }
    } finally {
      polling = false
      await poller
    }
    expect(bad).to.deep.equal([])
    expect(seen.at(-1)).to.equal(toolHiveKeys(versions[2] as ToolHiveDocument).join(','))
  })
})
