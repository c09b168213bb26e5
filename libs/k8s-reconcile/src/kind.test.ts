import { expect } from 'chai'
import { apiVersionOf, ConfigMapKind, keyOf, LeaseKind, parseKey, resourcePath, type KindDescriptor } from './kind.js'
import { controllerOf, controllerReference, controllingOwnerName } from './owner-references.js'

const WidgetKind: KindDescriptor = { group: 'test.thv.dev', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true }
const ClusterThing: KindDescriptor = { group: 'test.thv.dev', version: 'v1', kind: 'Thing', plural: 'things', namespaced: false }

describe('resourcePath', () => {
  const cases: ReadonlyArray<[KindDescriptor, string | undefined, string | undefined, string | undefined, string]> = [
    [ConfigMapKind, 'ns', undefined, undefined, '/api/v1/namespaces/ns/configmaps'],
    [ConfigMapKind, undefined, undefined, undefined, '/api/v1/configmaps'],
    [ConfigMapKind, 'ns', 'a', undefined, '/api/v1/namespaces/ns/configmaps/a'],
    [WidgetKind, 'ns', 'w', 'status', '/apis/test.thv.dev/v1/namespaces/ns/widgets/w/status'],
    [ClusterThing, 'ignored', 't', undefined, '/apis/test.thv.dev/v1/things/t'],
    [LeaseKind, 'kube-system', 'x', undefined, '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/x'],
  ]
  for (const [kind, ns, name, sub, path] of cases) it(`builds ${path}`, () => expect(resourcePath(kind, ns, name, sub)).to.equal(path))

  it('gives apiVersion for core and named groups', () => {
    expect([apiVersionOf(ConfigMapKind), apiVersionOf(WidgetKind)]).to.deep.equal(['v1', 'test.thv.dev/v1'])
  })
})

describe('keys', () => {
  it('round-trips namespaced and cluster-scoped keys', () => {
    const keys = [{ namespace: 'ns', name: 'a' }, { namespace: '', name: 'b' }]
    expect(keys.map(keyOf)).to.deep.equal(['ns/a', 'b'])
    expect(keys.map(keyOf).map(parseKey)).to.deep.equal(keys)
  })
})

describe('owner references', () => {
  const owner = { apiVersion: 'test.thv.dev/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns', uid: 'u-1' } }

  it('builds a controller reference', () => {
    expect(controllerReference(owner)).to.deep.equal({ apiVersion: 'test.thv.dev/v1', kind: 'Widget', name: 'w', uid: 'u-1', controller: true, blockOwnerDeletion: true })
  })

  it('rejects an owner without uid', () => {
    expect(() => controllerReference({ ...owner, metadata: { name: 'w' } })).to.throw('controllerReference needs apiVersion, kind, metadata.name and metadata.uid (got Widget/w)')
  })

  it('finds the controlling owner of a kind regardless of version', () => {
    const child = { metadata: { ownerReferences: [{ apiVersion: 'x/v1', kind: 'Other', name: 'o', uid: '1' }, { ...controllerReference(owner), apiVersion: 'test.thv.dev/v2' }] } }
    expect([controllerOf(child)?.name, controllingOwnerName(child, WidgetKind), controllingOwnerName(child, ConfigMapKind)]).to.deep.equal(['w', 'w', undefined])
  })
})
