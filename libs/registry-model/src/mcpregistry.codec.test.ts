import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { decodeMCPRegistry, decodeMCPRegistrySpec, MCPRegistryStatusCodec } from './mcpregistry.codec.js'
import { decodeWith, type DecodeFailure } from './decode-failure.js'
import { ConditionType } from './conditions.js'

/** The failing paths of a decode, e.g. `syncPolicy/interval`. */
function failurePaths(result: E.Either<DecodeFailure, unknown>): string[] {
  return E.isRight(result) ? [] : [...new Set(result.left.issues.map((i) => i.path))].sort()
}

const source = { type: 'configmap', configmap: { name: 'registry-data' } }

describe('MCPRegistrySpecCodec', () => {
  const valid: ReadonlyArray<[string, unknown]> = [
    ['minimal spec', { source }],
    ['the design shape', {
      displayName: 'Production', source: { type: 'configmap', format: 'toolhive', configmap: { name: 'd', namespace: 'toolhive-system', key: 'registry.json' } },
      syncPolicy: { type: 'automatic', interval: '1h30m', retryPolicy: { maxAttempts: 3, backoffInterval: '30s', backoffMultiplier: '2.0' } },
      filter: { include: ['*'], exclude: ['deprecated-*'], tags: { include: ['production'], exclude: ['experimental'] } },
    }],
    ['ToolHive shipped shape', { source: { type: 'configmap', format: 'toolhive', configmap: { name: 'reg-data', key: 'registry.json' } },
      syncPolicy: { interval: '1h' }, filter: { names: { include: ['prod-*'], exclude: ['*-legacy'] }, tags: { include: ['database'] } } }],
    ['manual mode without interval', { source, syncPolicy: { type: 'manual' } }],
    ['fractional Go duration', { source, syncPolicy: { interval: '1.5h' } }],
    ['multiplier exactly 1', { source, syncPolicy: { retryPolicy: { backoffMultiplier: '1' } } }],
  ]
  for (const [title, spec] of valid) it(`accepts ${title}`, () => expect(failurePaths(decodeMCPRegistrySpec(spec))).to.deep.equal([]))

  const invalid: ReadonlyArray<[string, unknown, string[]]> = [
    ['a missing source', {}, ['source']],
    ['an unknown source type', { source: { type: 'svn', configmap: { name: 'x' } } }, ['source/type']],
    ['a git source without its block', { source: { type: 'git', configmap: { name: 'x' } } }, ['source']],
    ['a source type without its block', { source: { type: 'configmap' } }, ['source']],
    ['an unknown spec field', { source, sycnPolicy: {} }, ['sycnPolicy']],
    ['an unknown nested field', { source: { ...source, configmap: { name: 'x', keys: 'y' } } }, ['source/configmap/keys']],
    ['an invalid duration', { source, syncPolicy: { interval: '1 hour' } }, ['syncPolicy/interval']],
    ['a negative duration', { source, syncPolicy: { interval: '-5m' } }, ['syncPolicy/interval']],
    ['zero maxAttempts', { source, syncPolicy: { retryPolicy: { maxAttempts: 0 } } }, ['syncPolicy/retryPolicy/maxAttempts']],
    ['fractional maxAttempts', { source, syncPolicy: { retryPolicy: { maxAttempts: 1.5 } } }, ['syncPolicy/retryPolicy/maxAttempts']],
    ['a multiplier below 1', { source, syncPolicy: { retryPolicy: { backoffMultiplier: '0.5' } } }, ['syncPolicy/retryPolicy/backoffMultiplier']],
    ['a numeric multiplier', { source, syncPolicy: { retryPolicy: { backoffMultiplier: 2 } } }, ['syncPolicy/retryPolicy/backoffMultiplier']],
    ['automatic without interval', { source, syncPolicy: { type: 'automatic' } }, ['syncPolicy']],
    ['an invalid glob', { source, filter: { include: ['[abc'] } }, ['filter/include/0']],
    ['an empty glob', { source, filter: { exclude: [''] } }, ['filter/exclude/0']],
    ['names and top-level globs together', { source, filter: { include: ['a'], names: { include: ['b'] } } }, ['filter']],
    ['an upper-case ConfigMap name', { source: { type: 'configmap', configmap: { name: 'Data' } } }, ['source/configmap/name']],
  ]
  for (const [title, spec, paths] of invalid) {
    it(`rejects ${title}`, () => expect(failurePaths(decodeMCPRegistrySpec(spec))).to.deep.equal(paths))
  }

  it('names an unknown field in the error message', () => {
    const result = decodeMCPRegistrySpec({ source, extra: 1 })
    expect(E.isLeft(result) && result.left.message).to.equal('Invalid MCPRegistrySpec: extra: unknown field')
  })
})

describe('MCPRegistryCodec', () => {
  it('decodes an object as read from the API server and finds its conditions', () => {
    const obj = {
      apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry',
      metadata: { name: 'r', namespace: 'ns', generation: 2, managedFields: [{ manager: 'kubectl' }] },
      spec: { source },
      status: { phase: 'Ready', serverCount: 3, conditions: [{ type: 'Ready', status: 'True', reason: 'RegistryReady', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 2 }] },
    }
    const decoded = decodeMCPRegistry(obj)
    expect(E.isRight(decoded) && decoded.right.status?.conditions?.find((c) => c.type === ConditionType.Ready)?.status).to.equal('True')
  })

  it('rejects an unknown status phase', () => {
    expect(failurePaths(decodeWith(MCPRegistryStatusCodec)({ phase: 'Running' }))).to.deep.equal(['phase'])
  })
})
