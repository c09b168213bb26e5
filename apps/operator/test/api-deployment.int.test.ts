// Deployment settings of the registry API on the real control plane: spec.podTemplateSpec merge cases (and an invalid
// template that leaves the Deployment alone), replicas 1 → 3 → 1 with the PodDisruptionBudget, image pull secrets,
// LOG_LEVEL reaching the API process, and exposure through an Ingress or a Gateway API HTTPRoute.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { CoreV1Event, V1Deployment, V1Ingress, V1PodDisruptionBudget, V1ServiceAccount } from '@kubernetes/client-node'
import { createTestNamespace } from '@thv/control-plane'
import { allocateFreePorts, eventually } from '@thv/testkit'
import { DeploymentKind, EventKind, httpStatusOf, patchContentType, type KindDescriptor, type KubeClient } from '@thv/k8s-reconcile'
import type { HTTPRoute } from '../src/api/expose-objects.js'
import { HTTPRouteKind, IngressKind, PodDisruptionBudgetKind, ServiceAccountKind } from '../src/kinds.js'
import { installCrds } from './crd-install.js'
import {
  conditionSummary, createRegistry, patchRegistry, putConfigMap, readRegistry, smallRegistry, startOperator, testClients,
  type RunningOperator,
} from './operator-harness.js'

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const GATEWAY_API_CRDS = fileURLToPath(new URL('../../../testdata/gateway-api', import.meta.url))
const source = { type: 'configmap', configmap: { name: 'data' } }

describe('MCPRegistry operator: registry API deployment settings', function () {
  this.timeout(400_000)
  let client: KubeClient
  let running: RunningOperator | undefined

  before(async () => {
    client = (await testClients(await createTestNamespace('deploy-crd'))).client
    running = await startOperator({ image: 'example.com/thv-registry-api:1' })
  })
  after(async () => {
    await running?.stop()
  })

  /** A namespace with a synced registry `r` (spec extras merged in) whose API Deployment exists. */
  async function registryWith(prefix: string, extra: Record<string, unknown>): Promise<string> {
    const ns = await createTestNamespace(prefix)
    await putConfigMap(client, ns, 'data', { 'registry.json': JSON.stringify(smallRegistry(2)) })
    await createRegistry(client, ns, 'r', { source, ...extra })
    await eventually(() => deployment(ns), { timeoutMs: 60_000 })
    return ns
  }
  const deployment = (ns: string) => client.get<V1Deployment>(DeploymentKind, ns, 'r-api')
  const container = async (ns: string) => (await deployment(ns)).spec?.template.spec?.containers.find((c) => c.name === 'registry-api')
  const absent = async (kind: KindDescriptor, ns: string, name: string) => {
    try {
      await client.get(kind, ns, name)
      return false
    } catch (err) {
      if (httpStatusOf(err) === 404) return true
      throw err
    }
  }
  const events = async (ns: string, reason: string) =>
    (await client.list<CoreV1Event>(EventKind, ns)).items.filter((e) => e.reason === reason && e.involvedObject.kind === 'MCPRegistry')
  const setTemplate = (ns: string, podTemplateSpec: unknown) => patchRegistry(client, ns, 'r', { spec: { podTemplateSpec } })

  it('merges pod template cases into the Deployment: env, resources, toleration, sidecar', async () => {
    const ns = await registryWith('deploy-merge', {})
    const generated = await container(ns)

    await setTemplate(ns, { spec: { containers: [{ name: 'registry-api', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }] } })
    await eventually(async () => expect((await container(ns))?.env).to.deep.equal([...(generated?.env ?? []), { name: 'LOG_LEVEL', value: 'debug' }]))

    await setTemplate(ns, { spec: { containers: [{ name: 'registry-api', resources: { limits: { memory: '1Gi' }, requests: { cpu: '200m' } } }] } })
    await eventually(async () => {
      const c = await container(ns)
      expect(c?.resources).to.deep.equal({ requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '500m', memory: '1Gi' } })
      // The previous template's env is no longer asked for, so it is gone again.
      expect(c?.env).to.deep.equal(generated?.env)
    })

    await setTemplate(ns, { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'mcp', effect: 'NoSchedule' }] } })
    await eventually(async () => expect((await deployment(ns)).spec?.template.spec?.tolerations).to.deep.equal([{ key: 'dedicated', operator: 'Equal', value: 'mcp', effect: 'NoSchedule' }]))

    await setTemplate(ns, {
      metadata: { labels: { team: 'platform' } },
      spec: { containers: [{ name: 'log-shipper', image: 'example.com/shipper:1', args: ['--tail'] }] },
    })
    await eventually(async () => {
      const d = await deployment(ns)
      expect(d.spec?.template.spec?.containers.map((c) => [c.name, c.image])).to.deep.equal([['registry-api', 'example.com/thv-registry-api:1'], ['log-shipper', 'example.com/shipper:1']])
      expect(d.spec?.template.metadata?.labels?.['team']).to.equal('platform')
      // The generated hardening of the API container is kept.
      expect(d.spec?.template.spec?.containers[0]?.securityContext).to.deep.equal(generated?.securityContext)
      expect(conditionSummary((await readRegistry(client, ns, 'r'))?.status)['PodTemplateValid']).to.deep.equal(['True', 'PodTemplateMerged'])
    })
    expect(await events(ns, 'PodTemplateWeakensHardening')).to.deep.equal([])
  })

  it('warns with an Event when the template weakens the generated hardening', async () => {
    const ns = await registryWith('deploy-weaken', {
      podTemplateSpec: { spec: { containers: [{ name: 'registry-api', securityContext: { readOnlyRootFilesystem: false } }] } },
    })
    await eventually(async () => expect((await container(ns))?.securityContext?.readOnlyRootFilesystem).to.equal(false))
    const [event] = await eventually(async () => {
      const found = await events(ns, 'PodTemplateWeakensHardening')
      expect(found).to.have.length(1)
      return found
    })
    expect(event?.type).to.equal('Warning')
    expect(event?.message).to.include('containers[registry-api].securityContext.readOnlyRootFilesystem=false')
  })

  it('refuses an invalid template with PodTemplateValid=False and leaves the running Deployment untouched', async () => {
    const ns = await registryWith('deploy-invalid', {})
    await eventually(async () => expect((await readRegistry(client, ns, 'r'))?.status?.url).to.be.a('string'))
    const before = await deployment(ns)

    // An unknown container field: the API server refuses the merged Deployment under strict field validation.
    await setTemplate(ns, { spec: { containers: [{ name: 'registry-api', imagePullPolicyy: 'Always' }] } })
    const r = await eventually(async () => {
      const reg = await readRegistry(client, ns, 'r')
      expect(conditionSummary(reg?.status)['PodTemplateValid']).to.deep.equal(['False', 'InvalidPodTemplate'])
      return reg
    })
    const message = r?.status?.conditions?.find((c) => c.type === 'PodTemplateValid')?.message
    expect(message).to.include('imagePullPolicyy')
    // Events are sent after the status is written.
    await eventually(async () => expect((await events(ns, 'InvalidPodTemplate'))[0]?.type).to.equal('Warning'))

    // A shape the merge cannot use (containers as an object, a wrong type inside resources).
    await setTemplate(ns, { spec: { containers: { name: 'registry-api' } } })
    await eventually(async () => expect((await readRegistry(client, ns, 'r'))?.status?.conditions?.find((c) => c.type === 'PodTemplateValid')?.message)
      .to.include('spec.podTemplateSpec.spec.containers: must be a list'))
    await setTemplate(ns, { spec: { containers: [{ name: 'registry-api', resources: { limits: { memory: 'lots' } } }] } })
    await eventually(async () => expect((await readRegistry(client, ns, 'r'))?.status?.conditions?.find((c) => c.type === 'PodTemplateValid')?.message)
      .to.include('quantities must match'))

    const after = await deployment(ns)
    expect([after.metadata?.generation, after.spec?.template]).to.deep.equal([before.metadata?.generation, before.spec?.template])

    // Fixing the template recovers.
    await setTemplate(ns, { spec: { containers: [{ name: 'registry-api', resources: { limits: { memory: '768Mi' } } }] } })
    await eventually(async () => {
      expect((await container(ns))?.resources?.limits?.['memory']).to.equal('768Mi')
      expect(conditionSummary((await readRegistry(client, ns, 'r'))?.status)['PodTemplateValid']).to.deep.equal(['True', 'PodTemplateMerged'])
    })
  })

  it('scales 1 → 3 → 1 with a PodDisruptionBudget and topology spread only above one replica', async () => {
    const ns = await registryWith('deploy-replicas', {})
    const status = () => readRegistry(client, ns, 'r').then((r) => r?.status)
    // Pods become Ready through kwok's stages; on a loaded 2-core machine a rollout can take a while, and a
    // failure says where it stood (Deployment status and pod phases).
    const rollout = async () => {
      const d = await deployment(ns)
      const pods = await client.request<{ items: { metadata: { name: string }; status?: { phase?: string; conditions?: { type: string; status: string }[] } }[] }>('GET', `/api/v1/namespaces/${ns}/pods`)
      return JSON.stringify({
        deployment: { replicas: d.spec?.replicas, ready: d.status?.readyReplicas, updated: d.status?.updatedReplicas, conditions: d.status?.conditions?.map((c) => `${c.type}=${c.status}`) },
        pods: pods.items.map((p) => `${p.metadata.name}:${p.status?.phase}:${p.status?.conditions?.find((c) => c.type === 'Ready')?.status}`),
      })
    }
    await eventually(async () => expect([(await status())?.readyReplicas, (await status())?.ready], await rollout()).to.deep.equal([1, '1/1']), { timeoutMs: 120_000 })
    expect(await absent(PodDisruptionBudgetKind, ns, 'r-api')).to.equal(true)

    await patchRegistry(client, ns, 'r', { spec: { replicas: 3 } })
    const pdb = await eventually(() => client.get<V1PodDisruptionBudget>(PodDisruptionBudgetKind, ns, 'r-api'))
    expect(pdb.spec?.minAvailable).to.equal(1)
    expect(pdb.metadata?.ownerReferences?.[0]?.kind).to.equal('MCPRegistry')
    const d = await deployment(ns)
    expect(d.spec?.replicas).to.equal(3)
    expect(d.spec?.template.spec?.topologySpreadConstraints?.[0]?.topologyKey).to.equal('kubernetes.io/hostname')
    await eventually(async () => {
      const s = await status()
      expect([s?.readyReplicas, s?.ready, s?.url, s?.url === s?.apiEndpoint], await rollout()).to.deep.equal([3, '3/3', `http://r-api.${ns}.svc.cluster.local:80`, true])
    }, { timeoutMs: 120_000 })

    await patchRegistry(client, ns, 'r', { spec: { replicas: 1 } })
    await eventually(async () => expect(await absent(PodDisruptionBudgetKind, ns, 'r-api')).to.equal(true))
    const back = await deployment(ns)
    expect([back.spec?.replicas, back.spec?.template.spec?.topologySpreadConstraints]).to.deep.equal([1, undefined])
    await eventually(async () => expect((await status())?.ready, await rollout()).to.equal('1/1'), { timeoutMs: 120_000 })
  })

  it('puts image pull secrets on the pod and on the ServiceAccount', async () => {
    const ns = await registryWith('deploy-pull', { imagePullSecrets: [{ name: 'ghcr-pull' }] })
    expect((await deployment(ns)).spec?.template.spec?.imagePullSecrets).to.deep.equal([{ name: 'ghcr-pull' }])
    expect((await client.get<V1ServiceAccount>(ServiceAccountKind, ns, 'r-registry-api')).imagePullSecrets).to.deep.equal([{ name: 'ghcr-pull' }])
  })

  it("runs the API at LOG_LEVEL=debug when the template sets it in the container's env", async () => {
    const ns = await registryWith('deploy-loglevel', { podTemplateSpec: { spec: { containers: [{ name: 'registry-api', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }] } } })
    const env = await eventually(async () => {
      const e = (await container(ns))?.env ?? []
      expect(e.map((v) => v.name)).to.include('LOG_LEVEL')
      return e
    })
    // The API process started with exactly the container's environment, as its pod would.
    const [port] = await allocateFreePorts(1)
    const child = spawn(process.execPath, ['--conditions=@thv/source', '--import', 'tsx', 'apps/registry-api/src/main.ts', '--file', 'testdata/fixtures/toolhive-registry.json', '--host', '127.0.0.1', '--port', String(port)], {
      cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...Object.fromEntries(env.map((v) => [v.name, v.value ?? ''])) }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => { output += d.toString() })
    child.stderr.on('data', (d: Buffer) => { output += d.toString() })
    try {
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health`)).status).to.equal(200), { timeoutMs: 60_000, intervalMs: 250 })
      await eventually(async () => {
        const served = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; message: string; path?: string })
        expect(served.some((l) => l.level === 'debug' && l.message === 'Served request' && l.path === '/health')).to.equal(true)
      }, { timeoutMs: 5_000 })
    } finally {
      child.kill('SIGTERM')
    }
  })

  it('creates, updates, drift-corrects and removes an Ingress', async () => {
    const ns = await registryWith('deploy-ingress', { expose: { ingress: { className: 'nginx', host: 'registry.example.com', tls: { secretName: 'registry-tls' } } } })
    const ingress = () => client.get<V1Ingress>(IngressKind, ns, 'r-api')
    const created = await eventually(ingress)
    expect(created.spec).to.deep.include({ ingressClassName: 'nginx', tls: [{ hosts: ['registry.example.com'], secretName: 'registry-tls' }] })
    expect(created.spec?.rules?.[0]?.http?.paths[0]?.backend.service).to.deep.equal({ name: 'r-api', port: { number: 80 } })
    await eventually(async () => expect(conditionSummary((await readRegistry(client, ns, 'r'))?.status)['Exposed']).to.deep.equal(['True', 'IngressApplied']))

    await patchRegistry(client, ns, 'r', { spec: { expose: { ingress: { host: 'mcp.example.com', tls: null, className: null } } } })
    await eventually(async () => {
      const i = await ingress()
      expect([i.spec?.rules?.[0]?.host, i.spec?.tls, i.spec?.ingressClassName]).to.deep.equal(['mcp.example.com', undefined, undefined])
    })

    await client.patch(IngressKind, ns, 'r-api', [{ op: 'replace', path: '/spec/rules/0/host', value: 'evil.example.com' }], patchContentType.json, { query: { fieldManager: 'kubectl-edit' } })
    await eventually(async () => expect((await ingress()).spec?.rules?.[0]?.host).to.equal('mcp.example.com'), { timeoutMs: 20_000 })

    await patchRegistry(client, ns, 'r', { spec: { expose: null } })
    await eventually(async () => {
      expect(await absent(IngressKind, ns, 'r-api')).to.equal(true)
      expect(conditionSummary((await readRegistry(client, ns, 'r'))?.status)).to.not.have.property('Exposed')
    })
  })

  it('reports a missing Gateway API, then creates, updates, drift-corrects and removes an HTTPRoute', async () => {
    const ns = await registryWith('deploy-route', { expose: { httpRoute: { parentRefs: [{ name: 'public', namespace: 'gateways' }], hostnames: ['registry.example.com'] } } })
    await eventually(async () => expect(conditionSummary((await readRegistry(client, ns, 'r'))?.status)['Exposed']).to.deep.equal(['False', 'GatewayAPIMissing']))
    // Events are sent after the status is written.
    await eventually(async () => expect((await events(ns, 'GatewayAPIMissing'))[0]?.type).to.equal('Warning'))

    await installCrds(GATEWAY_API_CRDS)
    // A spec change reconciles at once (without it the registry looks again within a minute).
    await patchRegistry(client, ns, 'r', { spec: { expose: { httpRoute: { hostnames: ['mcp.example.com'] } } } })
    const route = () => client.get<HTTPRoute>(HTTPRouteKind, ns, 'r-api')
    const created = await eventually(route, { timeoutMs: 60_000 })
    expect(created.spec.parentRefs).to.deep.equal([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateways' }])
    expect(created.spec.hostnames).to.deep.equal(['mcp.example.com'])
    expect(created.spec.rules[0]?.backendRefs[0]).to.deep.include({ name: 'r-api', port: 80 })
    await eventually(async () => expect(conditionSummary((await readRegistry(client, ns, 'r'))?.status)['Exposed']).to.deep.equal(['True', 'HTTPRouteApplied']))

    await client.patch(HTTPRouteKind, ns, 'r-api', [{ op: 'replace', path: '/spec/hostnames', value: ['evil.example.com'] }], patchContentType.json, { query: { fieldManager: 'kubectl-edit' } })
    await eventually(async () => expect((await route()).spec.hostnames).to.deep.equal(['mcp.example.com']), { timeoutMs: 20_000 })

    await patchRegistry(client, ns, 'r', { spec: { expose: null } })
    await eventually(async () => expect(await absent(HTTPRouteKind, ns, 'r-api')).to.equal(true))
  })
})
