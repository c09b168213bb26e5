import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { buildSnapshot } from '@thv/converters'
import type { MCPRegistry, RegistrySnapshot, SingleSourceRegistry } from '@thv/registry-model'
import { RemoteSourceError, SourceConfigError, SourceHandlerRegistry, SourceInvalidJsonError, SourceKeyNotFoundError, type SyncOptions } from '@thv/sources'
import { PlainSnapshotKey, type StorageManager, type StoreResult } from '@thv/storage'
import { classifySourceFailure, describeSource, SourceSyncPipeline } from './source.pipeline.js'

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

describe('SourceSyncPipeline source snapshots in memory', () => {
  /** A ToolHive document of `count` servers named `<prefix>-<i>`. */
  const document = (prefix: string, count: number): string => JSON.stringify({
    version: '1.0.0', last_updated: '2026-11-25T00:00:00Z',
    servers: Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}-${i}`, {
      description: `Test server number ${i}`, tier: 'Community', status: 'Active', transport: 'stdio', tools: ['t'], image: `example.test/${prefix}-${i}:1.0.0`,
    }])),
  })
  const snapshotOf = (prefix: string, count: number): RegistrySnapshot => {
    const built = buildSnapshot({ raw: document(prefix, count), registry: { name: 'r', namespace: 'ns', source: { type: 'configmap', ref: 'ns/d#registry.json' } }, now: new Date('2026-11-25T00:00:00Z') })
    if (E.isLeft(built)) throw built.left
    return built.right
  }
  const registry = {
    apiVersion: 'toolhive.stacklok.dev/v1alpha1', kind: 'MCPRegistry', metadata: { name: 'r', namespace: 'ns', uid: 'u' },
    spec: { sources: [{ name: 'big', configmap: { name: 'big' } }, { name: 'small', configmap: { name: 'small' } }] },
  } as unknown as MCPRegistry
  const [bigEntry, smallEntry] = registry.spec.sources ?? []
  if (bigEntry === undefined || smallEntry === undefined) throw new Error('two sources expected')

  /** Storage in memory that counts reads of each source slot; the handler serves `big` with 3 versions, `small` with 1. */
  function setUp(): { pipeline: SourceSyncPipeline; sourceReads: Map<string, number>; previousSeen: Map<string, boolean> } {
    const slots = new Map<string, RegistrySnapshot>()
    const sourceReads = new Map<string, number>()
    const previousSeen = new Map<string, boolean>()
    const written = (): StoreResult => ({ ref: { type: 'configmap', configMapRef: { name: 'x', namespace: 'ns', key: PlainSnapshotKey } }, written: true, storedBytes: 1 })
    const storage: StorageManager = {
      store: async () => written(),
      get: async () => undefined,
      getPublishTimes: async () => undefined,
      storeSource: async (_r, source, snapshot) => (slots.set(source, snapshot), written()),
      // Both reads of a slot count: the publish's (whole snapshot) and a sync's (publish times only).
      getSource: async (_r, source) => (sourceReads.set(source, (sourceReads.get(source) ?? 0) + 1), slots.get(source)),
      getSourcePublishTimes: async (_r, source) => (sourceReads.set(source, (sourceReads.get(source) ?? 0) + 1), slots.get(source)),
      deleteSource: async () => undefined,
      delete: async () => undefined,
    }
    const sources = new SourceHandlerRegistry().register('configmap', {
      validate: () => E.right(undefined),
      sync: async (scoped: SingleSourceRegistry, signal: AbortSignal, options?: SyncOptions) => {
        const name = scoped.spec.source.configmap?.name ?? ''
        previousSeen.set(name, (await options?.loadPrevious?.(signal)) !== undefined)
        const data = snapshotOf(name, name === 'big' ? 3 : 1)
        return { data, raw: new Uint8Array(), hash: data.hash, serverCount: data.servers.length }
      },
    })
    const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }
    const pipeline = new SourceSyncPipeline({ sources, storage, clock: { now: () => Date.parse('2026-11-25T00:00:00Z'), schedule: () => () => undefined }, log: log as never, cachedSourceMaxVersions: 2 })
    return { pipeline, sourceReads, previousSeen }
  }

  it('keeps small source snapshots for later publishes and syncs, and re-reads larger ones from their slots', async () => {
    const { pipeline, sourceReads, previousSeen } = setUp()
    const signal = new AbortController().signal
    for (const entry of [bigEntry, smallEntry]) expect((await pipeline.syncSource(registry, entry, undefined, signal)).ok).to.equal(true)
    // The first publish merges what the syncs just built: nothing is read back.
    const first = await pipeline.publish(registry, [], signal)
    expect(first.ok && !first.empty && first.serverCount).to.equal(4)
    expect(Object.fromEntries(sourceReads)).to.deep.equal({ big: 1, small: 1 }) // the syncs' look for a previous snapshot, none stored yet
    // The next publish reads back only the source above the bound.
    const second = await pipeline.publish(registry, [], signal)
    expect(second.ok && !second.empty && second.hash).to.equal(first.ok && !first.empty && first.hash)
    expect(Object.fromEntries(sourceReads)).to.deep.equal({ big: 2, small: 1 })
    // A sync's previous snapshot comes from memory when it is kept there, else from the slot.
    for (const entry of [bigEntry, smallEntry]) await pipeline.syncSource(registry, entry, undefined, signal)
    expect(Object.fromEntries(sourceReads)).to.deep.equal({ big: 3, small: 1 })
    expect(Object.fromEntries(previousSeen)).to.deep.equal({ big: true, small: true })
  })
})
