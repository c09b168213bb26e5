import { gzipSync } from 'node:zlib'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { buildSnapshot } from '@thv/converters'
import type { MCPRegistry, RegistrySnapshot, SingleSourceRegistry } from '@thv/registry-model'
import { ConfigMapStorageManager } from '@thv/storage'
import {
  ConfigMapSourceHandler,
  SourceFormatMismatchError,
  SourceHandlerRegistry,
  SourceInvalidDataError,
  SourceInvalidFilterError,
  SourceInvalidJsonError,
  SourceKeyNotFoundError,
  SourceNotFoundError,
  SourceTooLargeError,
  type SourceError,
} from '../src/index.js'
import { createRegistry, createSourceFixture, putConfigMap, readFixtureBytes, testSignal, type SourceFixture } from './harness.js'

const NOW = new Date('2026-11-25T01:02:03Z')

describe('ConfigMapSourceHandler (real control plane)', () => {
  let f: SourceFixture
  let sources: SourceHandlerRegistry
  beforeEach(async () => {
    f = await createSourceFixture('sources')
    sources = new SourceHandlerRegistry().register('configmap', new ConfigMapSourceHandler(f.core, { maxSourceBytes: 400_000 }))
  })

  /** What buildSnapshot makes of `raw` for registry `reg` reading `ref`: the expected sync result. */
  const expected = (reg: MCPRegistry, raw: Uint8Array, ref: string, filter?: MCPRegistry['spec']['filter']): RegistrySnapshot => {
    const built = buildSnapshot({ raw, registry: { name: reg.metadata.name, namespace: f.namespace, source: { type: 'configmap', ref } }, filter, now: NOW })
    if (E.isLeft(built)) throw built.left
    return built.right
  }

  for (const fixture of ['toolhive-registry.json', 'toolhive-upstream-registry-2025-12-11.json']) {
    it(`syncs fixture ${fixture} from data with the default key`, async () => {
      const raw = readFixtureBytes(fixture)
      await putConfigMap(f, 'registry-data', { data: { 'registry.json': raw.toString('utf8') } })
      const reg = await createRegistry(f, 'demo', { source: { type: 'configmap', configmap: { name: 'registry-data' } } })
      const result = await sources.sync(reg, testSignal(), { now: NOW })
      const snapshot = expected(reg, raw, `${f.namespace}/registry-data#registry.json`)
      expect(result).to.deep.equal({ data: snapshot, raw: new Uint8Array(raw), hash: snapshot.hash, serverCount: snapshot.servers.length })
    })
  }

  it('syncs gzip-compressed and plain binaryData under a custom key, with the same snapshot as from data', async () => {
    const raw = readFixtureBytes('toolhive-registry.json')
    await putConfigMap(f, 'gz', { binaryData: { 'servers.json.gz': gzipSync(raw).toString('base64') } })
    await putConfigMap(f, 'bin', { binaryData: { 'servers.json': raw.toString('base64') } })
    const fromGz = await createRegistry(f, 'gz', { source: { type: 'configmap', format: 'toolhive', configmap: { name: 'gz', key: 'servers.json.gz' } } })
    const fromBin = await createRegistry(f, 'bin', { source: { type: 'configmap', configmap: { name: 'bin', key: 'servers.json' } } })
    const gz = await sources.sync(fromGz, testSignal(), { now: NOW })
    const bin = await sources.sync(fromBin, testSignal(), { now: NOW })
    expect(gz.data).to.deep.equal(expected(fromGz, raw, `${f.namespace}/gz#servers.json.gz`))
    expect(bin.data).to.deep.equal(expected(fromBin, raw, `${f.namespace}/bin#servers.json`))
    expect(Buffer.from(gz.raw).equals(raw)).to.equal(true)
  })

  it('applies spec.filter', async () => {
    const raw = readFixtureBytes('toolhive-registry.json')
    await putConfigMap(f, 'registry-data', { data: { 'registry.json': raw.toString('utf8') } })
    const filter = { tags: { include: ['database'] } }
    const reg = await createRegistry(f, 'demo', { source: { type: 'configmap', configmap: { name: 'registry-data' } }, filter })
    const result = await sources.sync(reg, testSignal(), { now: NOW })
    const all = expected(reg, raw, `${f.namespace}/registry-data#registry.json`)
    expect(result.data).to.deep.equal(expected(reg, raw, `${f.namespace}/registry-data#registry.json`, filter))
    expect(result.serverCount).to.be.greaterThan(0).and.lessThan(all.servers.length)
  })

  it('calls loadPrevious only once the source was read, and keeps the publish times it returns', async () => {
    // An upstream server list carries no publish time, so a sync without the previous snapshot would use `now`.
    const raw = Buffer.from(JSON.stringify([{ name: 'io.github.example/demo', description: 'A demo server', version: '1.0.0' }]))
    const reg = await createRegistry(f, 'demo', { source: { type: 'configmap', configmap: { name: 'registry-data' } } })
    const previous = expected(reg, raw, `${f.namespace}/registry-data#registry.json`)
    const loads: string[] = []
    const loadPrevious = (): Promise<RegistrySnapshot> => { loads.push('load'); return Promise.resolve(previous) }

    const missing = await sources.sync(reg, testSignal(), { now: NOW, loadPrevious }).then(() => undefined, (e: unknown) => e)
    expect(missing).to.be.instanceOf(SourceNotFoundError)
    expect(loads).to.deep.equal([])

    await putConfigMap(f, 'registry-data', { data: { 'registry.json': raw.toString('utf8') } })
    const result = await sources.sync(reg, testSignal(), { now: new Date(NOW.getTime() + 86_400_000), loadPrevious })
    expect(loads).to.deep.equal(['load'])
    expect(result.data.servers.map((s) => s._meta['io.modelcontextprotocol.registry/official']?.publishedAt)).to.deep.equal([NOW.toISOString()])
    expect(result.hash).to.equal(previous.hash)
  })

  describe('failures (storage keeps the last good snapshot)', () => {
    let storage: ConfigMapStorageManager
    let good: RegistrySnapshot
    let reg: SingleSourceRegistry

    /** The operator's pipeline in miniature: store only what synced. */
    const syncAndStore = async (registry: SingleSourceRegistry): Promise<void> => {
      const result = await sources.sync(registry, testSignal(), { now: NOW })
      await storage.store(registry, result.data, testSignal())
    }

    const expectFailure = async (registry: SingleSourceRegistry, type: new (...args: never[]) => SourceError, fields: Record<string, unknown>): Promise<void> => {
      const before = (await f.core.readNamespacedConfigMap({ namespace: f.namespace, name: 'demo-registry-storage' })).metadata?.resourceVersion
      const err = await syncAndStore(registry).then(() => undefined, (e: unknown) => e)
      expect(err).to.be.instanceOf(type)
      expect(err).to.deep.include({ registry: `${f.namespace}/demo`, ...fields })
      const after = (await f.core.readNamespacedConfigMap({ namespace: f.namespace, name: 'demo-registry-storage' })).metadata?.resourceVersion
      expect(after).to.equal(before)
      expect(await storage.get(registry, testSignal())).to.deep.equal(good)
    }

    beforeEach(async () => {
      storage = new ConfigMapStorageManager(f.core)
      await putConfigMap(f, 'registry-data', { data: { 'registry.json': readFixtureBytes('toolhive-registry.json').toString('utf8') } })
      reg = await createRegistry(f, 'demo', { source: { type: 'configmap', configmap: { name: 'registry-data' } } })
      await syncAndStore(reg)
      const stored = await storage.get(reg, testSignal())
      if (stored === undefined) throw new Error('No good snapshot stored')
      good = stored
    })

    const withSource = (source: SingleSourceRegistry['spec']['source'], filter?: MCPRegistry['spec']['filter']): SingleSourceRegistry => ({
      ...reg,
      spec: { ...reg.spec, source, ...(filter === undefined ? {} : { filter }) },
    })

    it('SourceNotFound when the ConfigMap does not exist', async () => {
      await expectFailure(withSource({ type: 'configmap', configmap: { name: 'missing' } }), SourceNotFoundError, {
        code: 'SourceNotFound', configMap: `${f.namespace}/missing`, key: 'registry.json',
      })
    })

    it('KeyNotFound when the key is absent, listing the keys present', async () => {
      await expectFailure(withSource({ type: 'configmap', configmap: { name: 'registry-data', key: 'other.json' } }), SourceKeyNotFoundError, {
        code: 'KeyNotFound', configMap: `${f.namespace}/registry-data`, key: 'other.json', availableKeys: ['registry.json'],
      })
    })

    it('SourceTooLarge above maxSourceBytes, also for gzip data that inflates above it', async () => {
      const big = readFixtureBytes('upstream-seed-2025-05-16.json') // 510 KB > 400,000
      await putConfigMap(f, 'big', { data: { 'registry.json': big.toString('utf8') }, binaryData: { 'registry.json.gz': gzipSync(big).toString('base64') } })
      await expectFailure(withSource({ type: 'configmap', configmap: { name: 'big' } }), SourceTooLargeError, {
        code: 'SourceTooLarge', configMap: `${f.namespace}/big`, maxSourceBytes: 400_000, actualBytes: big.length,
      })
      await expectFailure(withSource({ type: 'configmap', configmap: { name: 'big', key: 'registry.json.gz' } }), SourceTooLargeError, {
        code: 'SourceTooLarge', key: 'registry.json.gz', maxSourceBytes: 400_000, actualBytes: undefined,
      })
    })

    it('InvalidJson with the byte offset of the first bad byte', async () => {
      const broken = '{"version": "1.0.0",\n  "servers": {,}}'
      await putConfigMap(f, 'broken', { data: { 'registry.json': broken } })
      await expectFailure(withSource({ type: 'configmap', configmap: { name: 'broken' } }), SourceInvalidJsonError, {
        code: 'InvalidJson', configMap: `${f.namespace}/broken`, key: 'registry.json', byteOffset: broken.indexOf('{,') + 1,
      })
    })

    it('FormatMismatch naming the declared and the detected format', async () => {
      await expectFailure(withSource({ type: 'configmap', format: 'upstream', configmap: { name: 'registry-data' } }), SourceFormatMismatchError, {
        code: 'FormatMismatch', declared: 'upstream', detected: 'toolhive',
      })
    })

    it('InvalidData listing the offending paths', async () => {
      const doc = JSON.parse(readFixtureBytes('toolhive-registry.json').toString('utf8')) as { servers: Record<string, Record<string, unknown>> }
      const [first, second] = Object.keys(doc.servers)
      if (first === undefined || second === undefined) throw new Error('fixture too small')
      delete doc.servers[first]?.image
      ;(doc.servers[second] as Record<string, unknown>).transport = 42
      await putConfigMap(f, 'invalid', { data: { 'registry.json': JSON.stringify(doc) } })
      const err = await syncAndStore(withSource({ type: 'configmap', configmap: { name: 'invalid' } })).then(() => undefined, (e: unknown) => e)
      expect(err).to.be.instanceOf(SourceInvalidDataError)
      expect((err as SourceInvalidDataError).paths).to.deep.equal([`servers/${first}/image`, `servers/${second}/transport`])
      expect((err as SourceInvalidDataError).message).to.equal(`Registry ${f.namespace}/demo: data under key registry.json of ConfigMap ${f.namespace}/invalid is invalid: ` +
        `Invalid ToolHiveRegistry: servers/${first}/image: is required; servers/${second}/transport: must be one of: stdio, sse, streamable-http; got number 42`)
      await expectFailure(withSource({ type: 'configmap', configmap: { name: 'invalid' } }), SourceInvalidDataError, { code: 'InvalidData' })
    })

    it('InvalidFilter naming the bad glob', async () => {
      await expectFailure(withSource(reg.spec.source, { include: ['[unclosed'] }), SourceInvalidFilterError, {
        code: 'InvalidFilter', paths: ['include[0]'],
      })
    })
  })
})
