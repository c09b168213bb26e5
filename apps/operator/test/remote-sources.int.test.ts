// url sources through the in-process operator: Ready, an unchanged source (304) stores nothing, an edit goes live,
// and the egress policy refuses a metadata address with SourceAvailable=False naming the host and the rule.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import { createTestNamespace } from '@thv/control-plane'
import { eventually } from '@thv/testkit'
import type { KubeClient } from '@thv/k8s-reconcile'
import {
  AllTrue, conditionSummary, createRegistry, entryCount, readRegistry, startOperator, testClients, toolHiveFixture,
  toolHiveFixtureText, type RunningOperator,
} from './operator-harness.js'

describe('MCPRegistry with a url source (operator in-process, HTTP server on 127.0.0.1)', function () {
  this.timeout(120_000)
  let client: KubeClient
  let running: RunningOperator
  let server: Server
  let body = toolHiveFixtureText()
  let etag = '"one"'
  const seen: Array<{ ifNoneMatch: string | undefined; status: number }> = []

  before(async () => {
    client = (await testClients(await createTestNamespace('op-url-crd'))).client
    running = await startOperator({ remoteSources: { allowLoopback: true, allowInsecure: true, allowedHosts: ['127.0.0.1', 'localhost', '169.254.169.254'] } })
    server = createServer((req, res) => {
      const ifNoneMatch = req.headers['if-none-match']
      const status = ifNoneMatch === etag ? 304 : 200
      seen.push({ ifNoneMatch, status })
      res.writeHead(status, { etag }).end(status === 304 ? undefined : body)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  })
  after(async () => {
    await running?.stop()
    server?.close()
  })

  it('syncs, answers later checks with 304 without storing, and picks up a new ETag', async () => {
    const ns = await createTestNamespace('op-url')
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/registry.json`
    await createRegistry(client, ns, 'web', { source: { type: 'url', url: { endpoint } }, syncPolicy: { interval: '1s' } })
    const ready = await eventually(async () => {
      const r = await readRegistry(client, ns, 'web')
      expect(conditionSummary(r?.status)).to.deep.equal(AllTrue)
      return r
    }, { timeoutMs: 60_000 })
    expect(ready?.status?.serverCount).to.equal(entryCount(toolHiveFixture()))
    // Interval syncs now send If-None-Match and get 304s: nothing fetched in full, the hash stays.
    const fullFetches = seen.filter((s) => s.status === 200).length
    await eventually(async () => expect(seen.slice(-3)).to.deep.equal([
      { ifNoneMatch: '"one"', status: 304 }, { ifNoneMatch: '"one"', status: 304 }, { ifNoneMatch: '"one"', status: 304 }]), { timeoutMs: 30_000 })
    expect(seen.filter((s) => s.status === 200).length).to.equal(fullFetches)
    expect((await readRegistry(client, ns, 'web'))?.status?.lastSyncHash).to.equal(ready?.status?.lastSyncHash)

    const doc = toolHiveFixture()
    const [first] = Object.keys(doc.servers)
    delete doc.servers[first as string]
    body = JSON.stringify(doc)
    etag = '"two"'
    await eventually(async () => expect((await readRegistry(client, ns, 'web'))?.status?.serverCount).to.equal(entryCount(doc)), { timeoutMs: 30_000 })
  })

  it('refuses the metadata address: SourceAvailable=False naming the host and the rule', async () => {
    const ns = await createTestNamespace('op-url-meta')
    await createRegistry(client, ns, 'meta', { source: { type: 'url', url: { endpoint: 'https://169.254.169.254/latest/meta-data/registry.json' } } })
    const cond = await eventually(async () => {
      const c = (await readRegistry(client, ns, 'meta'))?.status?.conditions?.find((x) => x.type === 'SourceAvailable')
      expect(c?.status).to.equal('False')
      return c
    }, { timeoutMs: 60_000 })
    expect(cond?.reason).to.equal('SourceRefusedByPolicy')
    expect(cond?.message).to.include('169.254.169.254').and.include('rule link-local')
  })
})
