import { expect } from 'chai'
import type { SingleSourceRegistry } from '@thv/registry-model'
import { RemoteSourceError, SourceConfigError, SourceInvalidJsonError, SourceKeyNotFoundError } from '@thv/sources'
import { classifySourceFailure, describeSource } from './source.pipeline.js'

describe('classifySourceFailure', () => {
  const where = { registry: 'ns/r', configMap: 'ns/d', key: 'registry.json' }
  it('maps config, source and data errors to their step and condition reason, and nothing else', () => {
    const cross = new SourceConfigError('CrossNamespaceNotAllowed', 'spec.source.configmap.namespace', 'no')
    const invalid = new SourceConfigError('InvalidSourceConfig', 'spec.source.configmap', 'missing')
    const results = [cross, invalid, new SourceKeyNotFoundError(where, []), new SourceInvalidJsonError(where, 12, 'unexpected end'), new Error('bug')]
      .map((e) => { const f = classifySourceFailure(e); return f === undefined ? undefined : [f.step, f.reason] })
    expect(results).to.deep.equal([
      ['source', 'CrossNamespaceSourceForbidden'], ['source', 'InvalidSourceConfig'], ['source', 'KeyNotFound'], ['data', 'InvalidJson'], undefined,
    ])
  })
})

describe('describeSource', () => {
  const reg = (source: unknown) => ({ apiVersion: 'v', kind: 'MCPRegistry', metadata: { name: 'r', namespace: 'ns' }, spec: { source } }) as unknown as SingleSourceRegistry
  it('names each kind, without query values or user info of remote endpoints', () => {
    expect([
      describeSource(reg({ type: 'configmap', configmap: { name: 'd' } })),
      describeSource(reg({ type: 'url', url: { endpoint: 'https://e.example/r.json?token=s3cret' } })),
      describeSource(reg({ type: 'git', git: { repository: 'https://bot:s3cret@g.example/r.git', tag: 'v1' } })),
      describeSource(reg({ type: 'api', api: { endpoint: 'https://r.example/' } })),
    ]).to.deep.equal([
      'ConfigMap ns/d key registry.json', 'url https://e.example/r.json?…', 'git https://g.example/r.git v1 path registry.json', 'api https://r.example/',
    ])
  })
  it('classifies remote failures as source failures with their reason', () => {
    const remote = new RemoteSourceError({ registry: 'ns/r', configMap: '', key: '', source: 'url https://e.example/r.json' }, 'refused', undefined, 'refused by egress policy')
    expect(classifySourceFailure(remote)).to.deep.equal({ step: 'source', reason: 'SourceRefusedByPolicy', message: remote.message })
  })
})
