import { expect } from 'chai'
import { storageReaderPolicyRules } from '@thv/storage'
import { apiEndpoint, desiredApiObjects } from './api-objects.js'

const owner = { name: 'prod', namespace: 'toolhive-system', uid: 'uid-1' }
const rules = storageReaderPolicyRules('prod')
const objects = desiredApiObjects(owner, { image: 'example/api:1', storageRules: rules })

describe('desiredApiObjects', () => {
  it('names every object after the registry and owns it by controller reference', () => {
    const all = [objects.serviceAccount, objects.role, objects.roleBinding, objects.deployment, objects.service]
    expect(all.map((o) => [o.kind, o.metadata?.name, o.metadata?.namespace])).to.deep.equal([
      ['ServiceAccount', 'prod-registry-api', 'toolhive-system'], ['Role', 'prod-registry-api', 'toolhive-system'],
      ['RoleBinding', 'prod-registry-api', 'toolhive-system'], ['Deployment', 'prod-api', 'toolhive-system'], ['Service', 'prod-api', 'toolhive-system'],
    ])
    for (const o of all) {
      expect(o.metadata?.ownerReferences).to.deep.equal([{ apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', name: 'prod', uid: 'uid-1', controller: true, blockOwnerDeletion: true }])
    }
  })

  it('grants the API only reading its own storage ConfigMaps by name, bound to its ServiceAccount', () => {
    expect(objects.role.rules).to.deep.equal(rules)
    expect(objects.role.rules?.every((r) => (r.resourceNames?.length ?? 0) > 0 && r.verbs.every((v) => ['get', 'list', 'watch'].includes(v)))).to.equal(true)
    expect(objects.roleBinding.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'prod-registry-api', namespace: 'toolhive-system' }])
    expect(objects.roleBinding.roleRef).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'prod-registry-api' })
    expect(objects.serviceAccount.automountServiceAccountToken).to.equal(false)
  })

  it('runs a hardened API container with probes, resources and the registry argument', () => {
    const pod = objects.deployment.spec?.template.spec
    const c = pod?.containers[0]
    expect({ replicas: objects.deployment.spec?.replicas, sa: pod?.serviceAccountName, token: pod?.automountServiceAccountToken, image: c?.image, args: c?.args, ports: c?.ports })
      .to.deep.equal({ replicas: 1, sa: 'prod-registry-api', token: true, image: 'example/api:1', args: ['--registry', 'toolhive-system/prod', '--port', '8080'], ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] })
    expect([c?.livenessProbe?.httpGet?.path, c?.readinessProbe?.httpGet?.path]).to.deep.equal(['/health', '/readiness'])
    expect(c?.securityContext).to.deep.equal({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } })
    expect(pod?.securityContext?.runAsNonRoot).to.equal(true)
    expect(c?.resources?.requests).to.have.keys('cpu', 'memory')
    expect(c?.resources?.limits).to.have.keys('cpu', 'memory')
    // A 10,000-server snapshot needs about 300 MiB in the API: the limit leaves room above V8's heap cap.
    expect(c?.resources?.limits?.['memory']).to.equal('512Mi')
    expect(c?.env).to.deep.equal([
      { name: 'NODE_OPTIONS', value: '--max-old-space-size=384 --max-semi-space-size=4' },
      { name: 'MALLOC_MMAP_THRESHOLD_', value: '16384' },
    ])
  })

  it('selects the pods from a ClusterIP Service on port 80 to the http port', () => {
    expect(objects.service.spec).to.deep.equal({ type: 'ClusterIP', selector: objects.deployment.spec?.selector.matchLabels, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] })
    expect(objects.deployment.spec?.template.metadata?.labels).to.include(objects.deployment.spec?.selector.matchLabels)
  })

  it('reports the in-cluster endpoint', () => expect(apiEndpoint(owner)).to.equal('http://prod-api.toolhive-system.svc.cluster.local:80'))
})
