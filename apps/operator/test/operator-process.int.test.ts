// `npm run operator` as a real process: flags, leader election Lease, /readyz, /metrics with the registry metrics,
// a registry made Ready end to end, and a graceful exit 0 on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { V1Deployment, V1Lease } from '@kubernetes/client-node'
import { createTestNamespace, getTestControlPlane } from '@thv/control-plane'
import { allocateFreePorts } from '@thv/testkit'
import { DeploymentKind, LeaseKind } from '@thv/k8s-reconcile'
import { eventually } from '@thv/testkit'
import { AllTrue, conditionSummary, createRegistry, putConfigMap, readRegistry, smallRegistry, testClients, type TestClients } from './operator-harness.js'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

describe('thv-operator process', function () {
  this.timeout(180_000)
  let clients: TestClients
  let child: ChildProcess | undefined
  let output = ''

  after(() => {
    if (child?.exitCode === null) child.kill('SIGKILL')
  })

  it('serves probes and metrics, holds its Lease, reconciles a registry, and exits 0 on SIGTERM', async () => {
    const plane = await getTestControlPlane()
    const ns = await createTestNamespace('op-process')
    clients = await testClients(ns)
    const [metricsPort, probePort] = await allocateFreePorts(2)
    child = spawn(process.execPath, [
      '--conditions=@thv/source', '--import', 'tsx', 'apps/operator/src/main.ts',
      '--kubeconfig', plane.kubeconfigPath, '--metrics-bind-address', `127.0.0.1:${metricsPort}`,
      '--health-probe-bind-address', `127.0.0.1:${probePort}`, '--leader-elect', '--leader-election-namespace', ns,
    ], { cwd: REPO_ROOT, env: { ...process.env, THV_REGISTRY_REGISTRY_API_IMAGE: 'example.com/api:env', THV_REGISTRY_ALLOWED_SOURCE_HOSTS: '127.0.0.1,localhost', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout?.on('data', (d: Buffer) => { output += d.toString() })
    child.stderr?.on('data', (d: Buffer) => { output += d.toString() })
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)))

    await eventually(async () => expect((await fetch(`http://127.0.0.1:${probePort}/readyz`)).status).to.equal(200), { timeoutMs: 60_000, intervalMs: 250 })
    expect((await fetch(`http://127.0.0.1:${probePort}/healthz`)).status).to.equal(200)
    await eventually(async () => {
      const lease = await clients.client.get<V1Lease>(LeaseKind, ns, 'thv-operator-leader')
      expect(lease.spec?.holderIdentity).to.be.a('string').and.not.equal('')
    }, { timeoutMs: 30_000 })

    await putConfigMap(clients.client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(3)) })
    await createRegistry(clients.client, ns, 'proc', { source: { type: 'configmap', configmap: { name: 'data' } } })
    await eventually(async () => expect(conditionSummary((await readRegistry(clients.client, ns, 'proc'))?.status)).to.deep.equal(AllTrue), { timeoutMs: 100_000 })

    const deployment = await clients.client.get<V1Deployment>(DeploymentKind, ns, 'proc-api')
    expect(deployment.spec?.template.spec?.containers[0]?.image).to.equal('example.com/api:env')

    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
    expect(metrics).to.include(`mcpregistry_sync_total{namespace="${ns}",registry="proc",result="success"}`)
    expect(metrics).to.include(`mcpregistry_servers_total{namespace="${ns}",registry="proc"} 3`)
    expect(metrics).to.include('controller_runtime_reconcile_total')
    const lines = output.split('\n').filter((l) => l.startsWith('{'))
    expect(lines.map((l) => JSON.parse(l) as { message: string }).some((l) => l.message === 'Synced MCPRegistry')).to.equal(true)

    child.kill('SIGTERM')
    expect(await exited).to.equal(0)
    expect(output).to.include('Stopped thv-operator')
  })
})
