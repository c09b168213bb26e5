import { fileURLToPath } from 'node:url'
import { ApiException, CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from '@kubernetes/client-node'
import { expect } from 'chai'
import { createTestNamespace, getTestControlPlane } from '../src/index.js'

const CRD_DIR = fileURLToPath(new URL('./fixtures/crds', import.meta.url))
const widgets = { group: 'test.thv.dev', version: 'v1alpha1', plural: 'widgets' }

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p
    return 200
  } catch (err) {
    if (err instanceof ApiException) return err.code
    throw err
  }
}

describe('control plane: API objects and RBAC', () => {
  it('round-trips a namespace, a CRD and a custom object', async () => {
    const plane = await getTestControlPlane()
    const namespace = await createTestNamespace('roundtrip')
    const kc = plane.kubeConfig()
    const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: namespace })
    expect(ns.status?.phase).to.equal('Active')

    expect(await plane.installCrds(CRD_DIR)).to.deep.equal(['widgets.test.thv.dev'])
    // Installing again (replace path) is allowed and still waits for the CRD to be served.
    expect(await plane.installCrds(CRD_DIR)).to.deep.equal(['widgets.test.thv.dev'])

    const custom = kc.makeApiClient(CustomObjectsApi)
    const body = { apiVersion: 'test.thv.dev/v1alpha1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3, color: 'blue' } }
    await custom.createNamespacedCustomObject({ ...widgets, namespace, body })
    const read = (await custom.getNamespacedCustomObject({ ...widgets, namespace, name: 'w1' })) as typeof body & { metadata: { uid?: string } }
    expect(read.spec).to.deep.equal({ size: 3, color: 'blue' })
    expect(read.metadata.uid).to.be.a('string')
    // The API server validates against the CRD schema: a real server, not a fake.
    const invalid = { ...body, metadata: { name: 'w2' }, spec: { size: 0, color: 'pink' } }
    expect(await statusOf(custom.createNamespacedCustomObject({ ...widgets, namespace, body: invalid }))).to.equal(422)
    // `enum` and `x-kubernetes-validations` survive installation (client-node's typed CRD model drops both).
    const badColor = { ...body, metadata: { name: 'w3' }, spec: { size: 3, color: 'pink' } }
    expect(await statusOf(custom.createNamespacedCustomObject({ ...widgets, namespace, body: badColor }))).to.equal(422)
    const tooBig = { ...body, metadata: { name: 'w4' }, spec: { size: 101 } }
    const celError = await custom.createNamespacedCustomObject({ ...widgets, namespace, body: tooBig }).then(() => undefined, (e: unknown) => e)
    expect(celError).to.be.instanceOf(ApiException)
    expect((celError as ApiException<string>).code).to.equal(422)
    expect(String((celError as ApiException<string>).body)).to.include('size must be at most 100')
    await custom.deleteNamespacedCustomObject({ ...widgets, namespace, name: 'w1' })
    expect(await statusOf(custom.getNamespacedCustomObject({ ...widgets, namespace, name: 'w1' }))).to.equal(404)
  })

  it('enforces RBAC for a ServiceAccount token from the TokenRequest API', async () => {
    const plane = await getTestControlPlane()
    const namespace = await createTestNamespace('rbac')
    const admin = plane.kubeConfig()
    await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'reader' } } })
    const saCore = (await plane.kubeConfigForServiceAccount(namespace, 'reader')).makeApiClient(CoreV1Api)

    // Authenticated (not 401) but not authorized.
    expect(await statusOf(saCore.listNamespacedConfigMap({ namespace }))).to.equal(403)

    const rbac = admin.makeApiClient(RbacAuthorizationV1Api)
    await rbac.createNamespacedRole({
      namespace,
      body: { metadata: { name: 'cm-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
    })
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'cm-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace }],
      },
    })
    expect(await statusOf(saCore.listNamespacedConfigMap({ namespace }))).to.equal(200)
    // Granted list on configmaps only: writes and other namespaces stay forbidden.
    expect(await statusOf(saCore.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'x' } } }))).to.equal(403)
    expect(await statusOf(saCore.listNamespacedConfigMap({ namespace: 'default' }))).to.equal(403)
  })

  it('refuses a token for a ServiceAccount that does not exist', async () => {
    const plane = await getTestControlPlane()
    const namespace = await createTestNamespace('nosa')
    const err = await plane.kubeConfigForServiceAccount(namespace, 'ghost').then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(err?.message).to.equal(`Cannot request a token for ServiceAccount ${namespace}/ghost`)
    expect((err?.cause as ApiException<unknown>).code).to.equal(404)
  })
})
