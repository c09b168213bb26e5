import { expect } from 'chai'
import { storageReaderPolicyRules } from '@thv/storage'
import { apiSelector, desiredApiObjects, telemetryEnv } from './api-objects.js'
import { mergePodTemplate } from './pod-template.js'

const owner = { name: 'prod', namespace: 'ns', uid: 'u' }
const config = { image: 'example/api:1', storageRules: storageReaderPolicyRules('prod') }
const generated = desiredApiObjects(owner, config).deployment.spec!.template
const merge = (user: Record<string, unknown>) => mergePodTemplate(generated, user, 'registry-api', apiSelector('prod'))

describe('mergePodTemplate', () => {
  it('adds env to the registry-api container by name and overrides an existing variable', () => {
    const out = merge({ spec: { containers: [{ name: 'registry-api', env: [{ name: 'LOG_LEVEL', value: 'debug' }, { name: 'NODE_OPTIONS', value: '--max-old-space-size=700' }] }] } })
    expect(out.ok).to.equal(true)
    if (!out.ok) return
    const c = out.template.spec!.containers[0]!
    expect(c.env).to.deep.equal([
      { name: 'NODE_OPTIONS', value: '--max-old-space-size=700' }, { name: 'MALLOC_MMAP_THRESHOLD_', value: '16384' }, { name: 'LOG_LEVEL', value: 'debug' },
    ])
    expect(c.image).to.equal('example/api:1')
    expect(c.securityContext?.readOnlyRootFilesystem).to.equal(true)
    expect(out.weakened).to.deep.equal([])
  })

  it('merges resources key by key and keeps the generated rest', () => {
    const out = merge({ spec: { containers: [{ name: 'registry-api', resources: { limits: { memory: '1Gi' } } }] } })
    if (!out.ok) throw new Error('expected ok')
    expect(out.template.spec!.containers[0]!.resources).to.deep.equal({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '1Gi' } })
  })

  it('adds tolerations, nodeSelector, a sidecar, an init container, volumes and labels', () => {
    const out = merge({
      metadata: { labels: { team: 'platform', 'app.kubernetes.io/name': 'hijack' }, annotations: { 'example.com/a': 'b' } },
      spec: {
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'mcp', effect: 'NoSchedule' }],
        nodeSelector: { pool: 'mcp' },
        containers: [{ name: 'proxy', image: 'example/proxy:1', volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }],
        initContainers: [{ name: 'init', image: 'example/init:1' }],
        volumes: [{ name: 'cache', emptyDir: {} }],
      },
    })
    if (!out.ok) throw new Error('expected ok')
    const spec = out.template.spec!
    expect(spec.tolerations).to.deep.equal([{ key: 'dedicated', operator: 'Equal', value: 'mcp', effect: 'NoSchedule' }])
    expect(spec.nodeSelector).to.deep.equal({ pool: 'mcp' })
    expect(spec.containers.map((c) => c.name)).to.deep.equal(['registry-api', 'proxy'])
    expect(spec.initContainers?.map((c) => c.name)).to.deep.equal(['init'])
    expect(spec.volumes?.map((v) => v.name)).to.deep.equal(['tmp', 'cache'])
    // The selector labels always win so the Deployment keeps matching its pods.
    expect(out.template.metadata?.labels).to.include({ team: 'platform', 'app.kubernetes.io/name': 'registry-api' })
    expect(out.template.metadata?.annotations).to.deep.equal({ 'example.com/a': 'b' })
  })

  it('removes a field set to null and replaces plain lists', () => {
    const out = merge({ spec: { containers: [{ name: 'registry-api', livenessProbe: null, args: ['--registry', 'ns/prod'] }] } })
    if (!out.ok) throw new Error('expected ok')
    const c = out.template.spec!.containers[0]!
    expect(c.livenessProbe).to.equal(undefined)
    expect(c.args).to.deep.equal(['--registry', 'ns/prod'])
  })

  it('reports each hardening setting the template weakens', () => {
    const out = merge({
      spec: {
        securityContext: { runAsNonRoot: false, runAsUser: 0 },
        containers: [{ name: 'registry-api', securityContext: { readOnlyRootFilesystem: false, allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'], drop: [] } } }],
      },
    })
    if (!out.ok) throw new Error('expected ok')
    expect(out.weakened).to.deep.equal([
      'securityContext.runAsNonRoot=false', 'securityContext.runAsUser=0',
      'containers[registry-api].securityContext.allowPrivilegeEscalation=true',
      'containers[registry-api].securityContext.readOnlyRootFilesystem=false',
      'containers[registry-api].securityContext.capabilities.drop lacks ALL',
      'containers[registry-api].securityContext.capabilities.add=NET_ADMIN',
    ])
  })

  it('refuses a template whose shape cannot be merged, naming every path', () => {
    const out = merge({ spec: { containers: { name: 'registry-api' }, volumes: [{ emptyDir: {} }], nodeSelector: { pool: 3 } }, status: {} })
    expect(out).to.deep.equal({
      ok: false,
      problems: [
        'spec.podTemplateSpec.status: unknown field (a pod template has metadata and spec)',
        'spec.podTemplateSpec.spec.volumes[0].name: is required',
        'spec.podTemplateSpec.spec.nodeSelector.pool: must be a string',
        'spec.podTemplateSpec.spec.containers: must be a list',
      ],
    })
  })

  it('refuses an env entry without a name inside the container', () => {
    const out = merge({ spec: { containers: [{ name: 'registry-api', env: [{ value: 'x' }] }] } })
    expect(out).to.deep.equal({ ok: false, problems: ['spec.podTemplateSpec.spec.containers[registry-api].env[0].name: is required'] })
  })
})

describe('desiredApiObjects deployment settings', () => {
  it('sets replicas, topology spread and a PodDisruptionBudget only above one replica', () => {
    const one = desiredApiObjects(owner, config, { replicas: 1 })
    const three = desiredApiObjects(owner, config, { replicas: 3 })
    expect(one.podDisruptionBudget).to.equal(undefined)
    expect(one.deployment.spec?.template.spec?.topologySpreadConstraints).to.equal(undefined)
    expect(three.deployment.spec?.replicas).to.equal(3)
    expect(three.deployment.spec?.template.spec?.topologySpreadConstraints).to.deep.equal([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: apiSelector('prod') } },
    ])
    expect(three.podDisruptionBudget?.spec).to.deep.equal({ minAvailable: 1, selector: { matchLabels: apiSelector('prod') } })
  })

  it('puts image pull secrets on the pod and the ServiceAccount', () => {
    const o = desiredApiObjects(owner, config, { imagePullSecrets: [{ name: 'ghcr' }] })
    expect(o.deployment.spec?.template.spec?.imagePullSecrets).to.deep.equal([{ name: 'ghcr' }])
    expect(o.serviceAccount.imagePullSecrets).to.deep.equal([{ name: 'ghcr' }])
  })

  it('passes telemetry settings to the API as THV_REGISTRY_OTLP_* variables', () => {
    expect(telemetryEnv(undefined)).to.deep.equal([])
    expect(telemetryEnv({ enabled: false, endpoint: 'otel:4318' })).to.deep.equal([])
    expect(telemetryEnv({ enabled: true, endpoint: 'otel:4318', insecure: true, serviceName: 'reg', tracing: { sampling: '0.25' }, metrics: { enabled: false } })).to.deep.equal([
      { name: 'THV_REGISTRY_OTLP_ENDPOINT', value: 'http://otel:4318' },
      { name: 'THV_REGISTRY_OTLP_SERVICE_NAME', value: 'reg' },
      { name: 'THV_REGISTRY_OTLP_TRACES', value: 'true' },
      { name: 'THV_REGISTRY_OTLP_SAMPLING', value: '0.25' },
      { name: 'THV_REGISTRY_OTLP_METRICS', value: 'false' },
    ])
    expect(telemetryEnv({ enabled: true, endpoint: 'otel:4318' })[0]).to.deep.equal({ name: 'THV_REGISTRY_OTLP_ENDPOINT', value: 'https://otel:4318' })
  })
})
