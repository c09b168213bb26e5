import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import type { SingleSourceRegistry, MCPRegistrySource } from '@thv/registry-model'
import { ConfigMapSourceHandler } from './configmap.source.js'
import { SourceHandlerRegistry } from './source-handler.registry.js'
import { SourceConfigError } from './source.errors.js'


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

const handler = new ConfigMapSourceHandler(offlineCore())
const urlSource = { type: 'url' } as unknown as MCPRegistrySource

describe('SourceHandlerRegistry', () => {
  it('dispatches validate to the handler of the source type', () => {
    const sources = new SourceHandlerRegistry().register('configmap', handler)
    expect(sources.validate({ type: 'configmap', configmap: { name: 'data' } }, 'ns')).to.deep.equal(E.right(undefined))
    const crossNs = sources.validate({ type: 'configmap', configmap: { name: 'data', namespace: 'x' } }, 'ns')
    expect(E.isLeft(crossNs) && crossNs.left.code).to.equal('CrossNamespaceNotAllowed')
  })

  it('reports an unregistered type as UnsupportedSourceType, listing the supported ones', () => {
    const sources = new SourceHandlerRegistry().register('configmap', handler)
    const r = sources.validate(urlSource, 'ns')
    expect(E.isLeft(r) && [r.left.code, r.left.field, r.left.message]).to.deep.equal([
      'UnsupportedSourceType', 'spec.source.type', 'Source type url is not supported (supported: configmap)',
    ])
  })

  it('rejects sync of an unregistered type with the same SourceConfigError', async () => {
    const registry = { metadata: { name: 'r', namespace: 'ns' }, spec: { source: urlSource } } as unknown as SingleSourceRegistry
    const err = await new SourceHandlerRegistry().sync(registry, AbortSignal.timeout(1000)).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(SourceConfigError)
    expect(err).to.include({ code: 'UnsupportedSourceType', message: 'Source type url is not supported (supported: none)' })
  })

  it('refuses a second handler for the same type', () => {
    const sources = new SourceHandlerRegistry().register('configmap', handler)
    expect(() => sources.register('configmap', handler)).to.throw('A source handler for type configmap is already registered')
    expect(sources.types).to.deep.equal(['configmap'])
  })
})
