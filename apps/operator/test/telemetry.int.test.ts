// Telemetry against a real OpenTelemetry Collector (OTLP/HTTP receiver, debug exporter at detailed verbosity),
// built from its Go modules by tools/otel-collector/build-collector.sh: the registry API's request spans and
// duration histogram, and the operator's sync spans (one per source), read back from the collector's log.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { allocateFreePorts, eventually } from '@thv/testkit'
import { createRegistry, putConfigMap, smallRegistry, testClients } from './operator-harness.js'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const SECRET = 'Bearer telemetry-test-secret-7f3a'

/** One span of the debug exporter's detailed output: its name and attributes (resource attributes included). */
interface LoggedSpan { name: string; attributes: Record<string, string> }

/** Spans in the collector log: each `Span #n` block, with the resource attributes of its batch. */
function parseSpans(log: string): LoggedSpan[] {
  const spans: LoggedSpan[] = []
  for (const batch of log.split(/ResourceSpans #\d+/).slice(1)) {
    const [resourcePart = '', ...spanParts] = batch.split(/Span #\d+/)
    const attrs = (text: string) => Object.fromEntries([...text.matchAll(/->\s+([\w.]+):\s+\w+\((.*)\)/g)].map((m) => [m[1] ?? '', m[2] ?? '']))
    const resource = attrs(resourcePart)
    for (const part of spanParts) {
      const name = /Name\s+:\s+(.*)/.exec(part)?.[1]?.trim() ?? ''
      spans.push({ name, attributes: { ...resource, ...attrs(part) } })
    }
  }
  return spans
}

/** Metric names in the collector log (`Descriptor: -> Name: ...`). */
const metricNames = (log: string) => [...log.matchAll(/Descriptor:\s*\n\s*-> Name: (\S+)/g)].map((m) => m[1] ?? '')

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { out += d.toString() })
  return { child, output: () => out }
}

describe('OpenTelemetry export to a real collector', function () {
  this.timeout(600_000)
  let dir: string
  let collector: ReturnType<typeof startProcess> | undefined
  const children: ChildProcess[] = []
  let endpoint: string

  before(async () => {
    // Built once and cached under ~/.cache/thv-registry/ (about 70 s on 2 cores the first time).
    const bin = execFileSync('bash', ['tools/otel-collector/build-collector.sh'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
    dir = mkdtempSync(join(tmpdir(), 'thv-otelcol-'))
    const [port] = await allocateFreePorts(1)
    endpoint = `http://127.0.0.1:${port}`
    writeFileSync(join(dir, 'config.yaml'), [
      'receivers:', '  otlp:', '    protocols:', '      http:', `        endpoint: 127.0.0.1:${port}`,
      'exporters:', '  debug:', '    verbosity: detailed',
      'service:', '  telemetry:', '    metrics:', '      level: none',
      '  pipelines:', '    traces:', '      receivers: [otlp]', '      exporters: [debug]', '    metrics:', '      receivers: [otlp]', '      exporters: [debug]',
    ].join('\n'))
    collector = startProcess(bin, ['--config', join(dir, 'config.yaml')], { PATH: process.env['PATH'] ?? '' })
    await eventually(async () => expect(collector?.output()).to.include('Everything is ready'), { timeoutMs: 60_000, intervalMs: 200 })
  })
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    if (collector?.child.exitCode === null) collector.child.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  })

  it('receives one span per API request with route template and status, and the duration histogram, without the Authorization header', async () => {
    const [apiPort] = await allocateFreePorts(1)
    const api = startProcess(process.execPath, [
      '--conditions=@thv/source', '--import', 'tsx', 'apps/registry-api/src/main.ts', '--file', 'testdata/fixtures/toolhive-registry.json',
      '--host', '127.0.0.1', '--port', String(apiPort),
    ], {
      PATH: process.env['PATH'] ?? '', THV_REGISTRY_OTLP_ENDPOINT: endpoint, THV_REGISTRY_OTLP_SERVICE_NAME: 'registry-under-test',
      THV_REGISTRY_OTLP_METRICS_INTERVAL_MS: '500',
    })
    children.push(api.child)
    const base = `http://127.0.0.1:${apiPort}`
    await eventually(async () => expect((await fetch(`${base}/readiness`)).status).to.equal(200), { timeoutMs: 60_000, intervalMs: 250 })
    expect((await fetch(`${base}/v0.1/servers?limit=1`, { headers: { Authorization: SECRET } })).status).to.equal(200)
    expect((await fetch(`${base}/v0.1/servers/io.example%2Fmissing/versions/latest`, { headers: { Authorization: SECRET } })).status).to.equal(404)

    const spans = await eventually(async () => {
      const found = parseSpans(collector?.output() ?? '').filter((s) => s.attributes['service.name'] === 'registry-under-test')
      expect(found.map((s) => s.name)).to.include.members(['GET /v0.1/servers', 'GET /v0.1/servers/:serverName/versions/:version'])
      return found
    }, { timeoutMs: 30_000, intervalMs: 250 })
    const list = spans.find((s) => s.name === 'GET /v0.1/servers')
    expect(list?.attributes).to.include({ 'http.request.method': 'GET', 'http.route': '/v0.1/servers', 'http.response.status_code': '200' })
    expect(spans.find((s) => s.name.endsWith('/versions/:version'))?.attributes['http.response.status_code']).to.equal('404')
    await eventually(async () => expect(metricNames(collector?.output() ?? '')).to.include('http.server.request.duration'), { timeoutMs: 30_000, intervalMs: 250 })
    expect(collector?.output()).to.not.include('telemetry-test-secret')
    expect(collector?.output()).to.not.match(/authorization/i)
    api.child.kill('SIGTERM')
  })

  it('receives one sync span per sync and one source span per source from the operator started with --otlp-endpoint', async () => {
    const plane = await getTestControlPlane()
    const ns = await createTestNamespace('telemetry')
    const clients = await testClients(ns)
    const [metricsPort, probePort] = await allocateFreePorts(2)
    const operator = startProcess(process.execPath, [
      '--conditions=@thv/source', '--import', 'tsx', 'apps/operator/src/main.ts', '--kubeconfig', plane.kubeconfigPath,
      '--metrics-bind-address', `127.0.0.1:${metricsPort}`, '--health-probe-bind-address', `127.0.0.1:${probePort}`,
      '--otlp-endpoint', endpoint, '--watch-namespace', ns,
    ], { ...process.env, LOG_LEVEL: 'info' })
    children.push(operator.child)
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${probePort}/readyz`)).status).to.equal(200), { timeoutMs: 60_000, intervalMs: 250 })
    await putConfigMap(clients.client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(3)) })
    await createRegistry(clients.client, ns, 'traced', { source: { type: 'configmap', configmap: { name: 'data' } } })

    const spans = await eventually(async () => {
      const found = parseSpans(collector?.output() ?? '').filter((s) => s.attributes['service.name'] === 'thv-operator' && s.attributes['mcpregistry.namespace'] === ns)
      expect(found.map((s) => s.name)).to.include.members(['mcpregistry.sync', 'mcpregistry.sync.source'])
      return found
    }, { timeoutMs: 60_000, intervalMs: 250 })
    const sync = spans.find((s) => s.name === 'mcpregistry.sync' && s.attributes['mcpregistry.sync.result'] === 'success')
    expect(sync?.attributes).to.include({ 'mcpregistry.name': 'traced', 'mcpregistry.sync.server_count': '3' })
    const source = spans.find((s) => s.name === 'mcpregistry.sync.source')
    expect(source?.attributes).to.include({ 'mcpregistry.source.type': 'configmap', 'mcpregistry.source.name': 'data' })
    operator.child.kill('SIGTERM')
  })
})
