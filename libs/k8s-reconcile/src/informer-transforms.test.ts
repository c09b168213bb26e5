import type { KubernetesObject } from '@kubernetes/client-node'
import { expect } from 'chai'
import { keepMetadataOnly, LastAppliedConfigurationAnnotation, stripManagedFields } from './informer-transforms.js'

const managedFields = [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:big': {} } } }]
const configMap = (): KubernetesObject & { data?: Record<string, string>; binaryData?: Record<string, string> } => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'registry-data', namespace: 'ns', resourceVersion: '42', labels: { a: 'b' },
    annotations: { keep: 'me', [LastAppliedConfigurationAnnotation]: '{"data":{"big":"…"}}' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u', controller: true }],
    managedFields,
  },
  data: { big: 'x'.repeat(1000) },
  binaryData: { 'registry.json.gz': 'H4sI' },
})

describe('informer transforms', () => {
  it('keepMetadataOnly keeps identity, version, labels, owners and other annotations, and nothing else', () => {
    expect(keepMetadataOnly(configMap())).to.deep.equal({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'registry-data', namespace: 'ns', resourceVersion: '42', labels: { a: 'b' }, annotations: { keep: 'me' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u', controller: true }],
      },
    })
  })

  it('stripManagedFields drops managedFields and the last-applied annotation, keeping the content', () => {
    const { metadata, ...content } = configMap()
    const { managedFields: _m, ...restMeta } = metadata ?? {}
    expect(stripManagedFields(configMap())).to.deep.equal({ ...content, metadata: { ...restMeta, annotations: { keep: 'me' } } })
  })

  it('stripManagedFields returns an object that has neither as it is', () => {
    const lean = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations: { keep: 'me' } } }
    expect(stripManagedFields(lean)).to.equal(lean)
  })

  it('leaves objects without metadata alone', () => {
    expect([stripManagedFields({ kind: 'X' }), keepMetadataOnly({ kind: 'X', apiVersion: 'v1' })]).to.deep.equal([{ kind: 'X' }, { kind: 'X', apiVersion: 'v1' }])
  })
})
