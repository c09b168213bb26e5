import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import type { MCPRegistrySource } from '@thv/registry-model'
import { ConfigMapSourceHandler } from './configmap.source.js'


/** A client for a server that is never contacted (these tests are pure). */
function offlineCore(): CoreV1Api {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: 'none', server: 'https://127.0.0.1:9', skipTLSVerify: true }],
    users: [{ name: 'none' }],
    contexts: [{ name: 'none', cluster: 'none', user: 'none' }],
    currentContext: 'none',
  })
  return kc.makeApiClient(CoreV1Api)
}

const core = offlineCore()
const strict = new ConfigMapSourceHandler(core)
const lenient = new ConfigMapSourceHandler(core, { allowCrossNamespace: true })

const configmap = (cm: NonNullable<MCPRegistrySource['configmap']>): MCPRegistrySource => ({ type: 'configmap', configmap: cm })

describe('ConfigMapSourceHandler.resolve', () => {
  it('defaults the key to registry.json and the namespace to the registry\'s', () => {
    expect(strict.resolve(configmap({ name: 'data' }), 'ns1')).to.deep.equal(E.right({ namespace: 'ns1', name: 'data', key: 'registry.json' }))
  })

  it('keeps an explicit key and a same-namespace reference', () => {
    expect(strict.resolve(configmap({ name: 'data', namespace: 'ns1', key: 'servers.json' }), 'ns1')).to.deep.equal(
      E.right({ namespace: 'ns1', name: 'data', key: 'servers.json' }),
    )
  })

  it('allows another namespace only when constructed with allowCrossNamespace', () => {
    expect(lenient.resolve(configmap({ name: 'data', namespace: 'other' }), 'ns1')).to.deep.equal(
      E.right({ namespace: 'other', name: 'data', key: 'registry.json' }),
    )
  })

  const bad: ReadonlyArray<[string, MCPRegistrySource, string, string]> = [
    ['a cross-namespace source by default', configmap({ name: 'data', namespace: 'other' }), 'CrossNamespaceNotAllowed', 'spec.source.configmap.namespace'],
    ['type configmap without its block', { type: 'configmap' }, 'InvalidSourceConfig', 'spec.source.configmap'],
    ['an empty name', configmap({ name: '' }), 'InvalidSourceConfig', 'spec.source.configmap.name'],
    ['a key with a slash', configmap({ name: 'data', key: 'a/b' }), 'InvalidSourceConfig', 'spec.source.configmap.key'],
    ['another source type', { type: 'url' } as unknown as MCPRegistrySource, 'UnsupportedSourceType', 'spec.source.type'],
  ]
  for (const [title, source, code, field] of bad) {
    it(`rejects ${title} with ${code} at ${field}`, () => {
      const r = strict.validate(source, 'ns1')
      expect(E.isLeft(r) && { code: r.left.code, field: r.left.field }).to.deep.equal({ code, field })
    })
  }

  it('names both namespaces and the operator flag in the cross-namespace message', () => {
    const r = strict.validate(configmap({ name: 'data', namespace: 'other' }), 'ns1')
    expect(E.isLeft(r) && r.left.message).to.equal(
      "Source ConfigMap namespace other differs from the registry's namespace ns1; the operator does not allow cross-namespace sources (--allow-cross-namespace-sources)",
    )
  })

  it('rejects a non-positive size limit at construction', () => {
    expect(() => new ConfigMapSourceHandler(core, { maxSourceBytes: 0 })).to.throw(RangeError, 'maxSourceBytes must be a positive integer, got 0')
  })
})
