// config/prometheus against the real processes: every metric the Grafana dashboard and the alert rules name exists
// in the operator's or the registry API's /metrics output, and the rules file has the PrometheusRule shape.
// (promtool did not build from its Go module within ten minutes on 2 cores, so the rules are checked structurally.)
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { allocateFreePorts, eventually } from '@thv/testkit'
import { parse } from 'yaml'
import { createRegistry, putConfigMap, smallRegistry, testClients } from './operator-harness.js'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const PROMETHEUS = fileURLToPath(new URL('../../../config/prometheus/', import.meta.url))
const RUNBOOKS = readFileSync(fileURLToPath(new URL('../../../docs/alerts.md', import.meta.url)), 'utf8')

interface Rule { alert?: unknown; expr?: unknown; for?: unknown; labels?: Record<string, unknown>; annotations?: Record<string, unknown> }
interface RuleFile { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown }; spec?: { groups?: { name?: unknown; rules?: Rule[] }[] } }
interface Dashboard { panels: { id: number; title: string; targets: { expr: string }[] }[]; templating: { list: { query?: unknown }[] } }

const rules = parse(readFileSync(`${PROMETHEUS}alerts.yaml`, 'utf8')) as RuleFile
const dashboard = JSON.parse(readFileSync(`${PROMETHEUS}thv-registry.dashboard.json`, 'utf8')) as Dashboard
const ruleExprs = (rules.spec?.groups ?? []).flatMap((g) => g.rules ?? []).map((r) => String(r.expr))
const dashboardExprs = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.map((v) => (typeof v.query === 'string' ? v.query : ''))]

/** Metric names in PromQL expressions, histogram series (`_bucket`, `_count`, `_sum`) mapped to their metric. */
function metricNames(exprs: readonly string[]): string[] {
  const names = exprs.flatMap((e) => [...e.matchAll(/\b((?:mcpregistry|thv_registry|controller_runtime)_[a-z_]+)\b/g)].map((m) => m[1] ?? ''))
  return [...new Set(names.map((n) => n.replace(/_(bucket|count|sum)$/, '')))].sort()
}

/** Metric names with a `# TYPE` line in a Prometheus text exposition. */
const exposed = (text: string) => new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ''))

function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' }
  const stack: string[] = []
  for (const ch of expr.replace(/"[^"]*"/g, '')) {
    if ('([{'.includes(ch)) stack.push(ch)
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false
  }
  return stack.length === 0
}

describe('config/prometheus dashboard and alert rules', function () {
  this.timeout(180_000)
  const children: ChildProcess[] = []
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  })

  it('has a PrometheusRule with named, bounded, annotated alerts', () => {
    expect([rules.apiVersion, rules.kind, rules.metadata?.name]).to.deep.equal(['monitoring.coreos.com/v1', 'PrometheusRule', 'thv-registry'])
    const all = (rules.spec?.groups ?? []).flatMap((g) => g.rules ?? [])
    expect(all.map((r) => r.alert)).to.deep.equal([
      'MCPRegistrySyncFailing', 'MCPRegistryStorageNearLimit', 'MCPRegistrySourceFailing', 'MCPRegistryServersShadowed',
      'MCPRegistryAPINotReady', 'MCPRegistryAPISnapshotLoadErrors', 'MCPRegistryAPIServerErrors',
    ])
    // Every alert has a runbook section in docs/alerts.md, and every section is an alert.
    const sections = [...RUNBOOKS.matchAll(/^## (\S+)$/gm)].map((m) => m[1])
    expect(sections).to.deep.equal(all.map((r) => r.alert))
    for (const r of all) expect(r.annotations?.['runbook'], String(r.alert)).to.equal(`docs/alerts.md#${String(r.alert).toLowerCase()}`)
    // The source alerts are per source, so that a silence or a route can name one.
    for (const name of ['MCPRegistrySourceFailing', 'MCPRegistryServersShadowed']) {
      expect(all.find((r) => r.alert === name)?.expr, name).to.match(/^max by \(namespace, registry, source\) \(mcpregistry_source_[a-z_]+\) (== 0|> 0)$/)
    }
    for (const r of all) {
      expect(r.alert, String(r.alert)).to.match(/^[A-Z][A-Za-z0-9]+$/)
      expect(typeof r.expr === 'string' && r.expr.trim() !== '' && balanced(r.expr), `${String(r.alert)} expr`).to.equal(true)
      expect(r.for, `${String(r.alert)} for`).to.match(/^[0-9]+[smh]$/)
      expect(['warning', 'critical']).to.include(r.labels?.['severity'])
      expect(r.annotations?.['summary'], `${String(r.alert)} summary`).to.be.a('string')
      expect(r.annotations?.['description'], `${String(r.alert)} description`).to.be.a('string')
      expect(Object.keys(r).sort()).to.deep.equal(['alert', 'annotations', 'expr', 'for', 'labels'])
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).to.equal(dashboard.panels.length)
    for (const e of dashboardExprs.filter((x) => x !== '')) expect(balanced(e), e).to.equal(true)
  })

  it("names only metrics that the operator's or the registry API's /metrics output has", async () => {
    const plane = await getTestControlPlane()
    const ns = await createTestNamespace('prom-config')
    const clients = await testClients(ns)
    const [metricsPort, probePort, apiPort] = await allocateFreePorts(3)
    const start = (args: string[], env: NodeJS.ProcessEnv) => {
      const child = spawn(process.execPath, ['--conditions=@thv/source', '--import', 'tsx', ...args], { cwd: REPO_ROOT, env, stdio: 'ignore' })
      children.push(child)
    }
    start(['apps/operator/src/main.ts', '--kubeconfig', plane.kubeconfigPath, '--metrics-bind-address', `127.0.0.1:${metricsPort}`,
      '--health-probe-bind-address', `127.0.0.1:${probePort}`, '--watch-namespace', ns], { ...process.env, LOG_LEVEL: 'error' })
    start(['apps/registry-api/src/main.ts', '--file', 'testdata/fixtures/toolhive-registry.json', '--host', '127.0.0.1', '--port', String(apiPort)], { PATH: process.env['PATH'] ?? '' })
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${probePort}/readyz`)).status).to.equal(200), { timeoutMs: 60_000, intervalMs: 250 })
    await putConfigMap(clients.client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(clients.client, ns, 'watched', { source: { type: 'configmap', configmap: { name: 'data' } } })
    // A registry with several sources: `second` repeats one server of `first` (shadowed), `broken` never syncs.
    const two = smallRegistry(3)
    await putConfigMap(clients.client, ns, 'first', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await putConfigMap(clients.client, ns, 'second', { 'registry.json': JSON.stringify({ ...two, servers: Object.fromEntries(Object.entries(two.servers).slice(1)) }) })
    await putConfigMap(clients.client, ns, 'broken', { 'registry.json': '{"servers": [' })
    await createRegistry(clients.client, ns, 'merged', {
      sources: ['first', 'second', 'broken'].map((name) => ({ name, configMapRef: { name, key: 'registry.json' } })),
      syncPolicy: { retryPolicy: { backoffInterval: '1s', backoffMultiplier: '1', maxAttempts: 100 } },
    })

    // The labelled operator gauges have samples once the registry synced and its API became available.
    const operatorText = await eventually(async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
      expect(text).to.include(`mcpregistry_api_available{namespace="${ns}",registry="watched"} 1`)
      expect(text).to.match(new RegExp(`mcpregistry_storage_bytes\\{namespace="${ns}",registry="watched"\\} [1-9]`))
      const sample = (metric: string, source: string) => new RegExp(`^${metric}\\{namespace="${ns}",registry="merged",source="${source}"\\} (\\S+)$`, 'm').exec(text)?.[1]
      expect(['first', 'second', 'broken'].map((s) => [s, sample('mcpregistry_source_servers', s), sample('mcpregistry_source_shadowed_servers', s), sample('mcpregistry_source_ready', s)])).to.deep.equal([
        ['first', '2', '0', '1'], ['second', '2', '1', '1'], ['broken', '0', '0', '0'],
      ])
      expect(text).to.match(new RegExp(`^mcpregistry_source_sync_errors_total\\{namespace="${ns}",registry="merged",source="broken",reason="InvalidJson"\\} [1-9]`, 'm'))
      return text
    }, { timeoutMs: 100_000, intervalMs: 500 })
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${apiPort}/v0.1/servers?limit=1`)).status).to.equal(200), { timeoutMs: 60_000, intervalMs: 250 })
    const apiText = await (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text()

    const available = new Set([...exposed(operatorText), ...exposed(apiText)])
    const named = metricNames([...ruleExprs, ...dashboardExprs])
    expect(named.length).to.be.greaterThan(10)
    expect(named.filter((n) => !available.has(n)), 'metrics named but not exported').to.deep.equal([])
    // Each process exports its own family.
    expect(named.filter((n) => n.startsWith('thv_registry_')).every((n) => exposed(apiText).has(n))).to.equal(true)
    expect(named.filter((n) => !n.startsWith('thv_registry_')).every((n) => exposed(operatorText).has(n))).to.equal(true)
  })
})
