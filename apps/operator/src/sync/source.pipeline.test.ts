import { expect } from 'chai'
import { SourceConfigError, SourceInvalidJsonError, SourceKeyNotFoundError } from '@thv/sources'
import { classifySourceFailure } from './source.pipeline.js'

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
