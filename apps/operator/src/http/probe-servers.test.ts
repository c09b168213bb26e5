import { expect } from 'chai'
import { Counter, Registry } from 'prom-client'
import { listen, metricsServer, probeServer, type ListeningServer } from './probe-servers.js'

describe('probe and metrics servers', () => {
  const open: ListeningServer[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()))
  })
  const url = (s: ListeningServer, path: string) => `http://127.0.0.1:${s.address.port}${path}`

  it('serves /healthz 200 and /readyz 503 with the checks, 404 elsewhere', async () => {
    const s = await listen(probeServer({
      healthz: () => ({ ok: true, checks: { manager: { ok: true, message: 'running' } } }),
      readyz: () => ({ ok: false, checks: { 'informer:MCPRegistry': { ok: false, message: 'not synced' } } }),
    }), '127.0.0.1', 0)
    open.push(s)
    const [h, r, n] = await Promise.all([fetch(url(s, '/healthz')), fetch(url(s, '/readyz')), fetch(url(s, '/other'))])
    expect([h.status, await h.json(), r.status, await r.json(), n.status]).to.deep.equal([
      200, { ok: true, checks: { manager: { ok: true, message: 'running' } } },
      503, { ok: false, checks: { 'informer:MCPRegistry': { ok: false, message: 'not synced' } } }, 404,
    ])
  })

  it('serves the registry on /metrics in the Prometheus text format', async () => {
    const registry = new Registry()
    new Counter({ name: 'mcpregistry_sync_total', help: 'h', labelNames: ['result'], registers: [registry] }).inc({ result: 'success' })
    const s = await listen(metricsServer(registry), '127.0.0.1', 0)
    open.push(s)
    const res = await fetch(url(s, '/metrics'))
    expect([res.status, res.headers.get('content-type')?.startsWith('text/plain')]).to.deep.equal([200, true])
    expect(await res.text()).to.include('mcpregistry_sync_total{result="success"} 1')
  })
})
