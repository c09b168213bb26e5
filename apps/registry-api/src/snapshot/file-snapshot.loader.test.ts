import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { startApi, silentLog, type RunningApi } from '../../test/support/api-harness.js'
import { fixturePath } from '../../test/support/fixtures.js'
import { renderToolHiveForTests } from '../../test/support/toolhive.js'
import { fileSnapshotBuilder } from '../formats.js'
import { FileSnapshotLoader } from './file-snapshot.loader.js'
import { fileViewsBuilder } from './file-views.builder.js'
import type { ServedSnapshot } from './served-snapshot.js'

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setImmediate(r))
  }
}

async function loadErrors(api: RunningApi): Promise<number> {
  const metric = await api.metrics.snapshotLoadErrors.get()
  return metric.values.reduce((sum, v) => sum + v.value, 0)
}

async function loadErrorsBy(api: RunningApi): Promise<Record<string, number>> {
  const metric = await api.metrics.snapshotLoadErrors.get()
  return Object.fromEntries(metric.values.map((v) => [String(v.labels['reason']), v.value]))
}

for (const mode of ['snapshot', 'views built in a worker'] as const) describe(`FileSnapshotLoader with the HTTP app (${mode})`, () => {
  let dir: string
  let file: string
  let api: RunningApi
  let loader: FileSnapshotLoader<ServedSnapshot>
  const original = readFileSync(fixturePath('toolhive-upstream-registry-2025-12-11.json'), 'utf8')

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'thv-registry-api-'))
    file = join(dir, 'registry.json')
    writeFileSync(file, original)
    api = await startApi(renderToolHiveForTests)
    const identity = { name: 'hot', namespace: 'default', path: file }
    const now = (): Date => new Date('2026-01-01T00:00:00Z')
    loader = new FileSnapshotLoader({
      path: file, store: api.store, metrics: api.metrics, log: silentLog, debounceMs: 50,
      build: fileSnapshotBuilder(identity, now),
      ...(mode === 'snapshot' ? {} : { buildViews: fileViewsBuilder(identity, api.store.viewOptions, now) }),
    })
  })
  afterEach(async () => {
    await loader.close()
    await api.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves fully old or fully new data while the file changes, and the new data within 5 s', async () => {
    expect(await loader.load()).to.equal('swapped')
    loader.watch()
    const listUrl = `${api.url}/v0.1/servers?limit=100`
    const oldBody = await (await fetch(listUrl)).text()
    const oldHash = ((await (await fetch(`${api.url}/readiness`)).json()) as { hash: string }).hash

    const changed = JSON.parse(original) as { data: { servers: { description: string }[] } }
    // server.json descriptions are at most 100 characters
    for (const s of changed.data.servers) s.description = `${s.description.slice(0, 90)} (v2)`
    const seen: { status: number; body: string }[] = []
    const written = Date.now()
    writeFileSync(file, JSON.stringify(changed))
    const newBody = await waitFor(async () => {
      const res = await fetch(listUrl)
      const body = await res.text()
      seen.push({ status: res.status, body })
      return body !== oldBody && res.status === 200 ? body : undefined
    }, 5_000)
    const elapsedMs = Date.now() - written
    for (let i = 0; i < 20; i++) {
      const res = await fetch(listUrl)
      seen.push({ status: res.status, body: await res.text() })
    }

    expect(elapsedMs).to.be.below(5_000)
    expect(seen.every((r) => r.status === 200)).to.equal(true)
    expect(seen.every((r) => r.body === oldBody || r.body === newBody)).to.equal(true)
    const descriptions = (JSON.parse(newBody) as { servers: { server: { description: string } }[] }).servers.map((s) => s.server.description)
    expect(descriptions.every((d) => d.endsWith(' (v2)'))).to.equal(true)
    const newHash = ((await (await fetch(`${api.url}/readiness`)).json()) as { hash: string }).hash
    expect(newHash).not.to.equal(oldHash)
  })

  it('keeps serving the last good snapshot when the file becomes invalid', async () => {
    await loader.load()
    loader.watch()
    const good = await (await fetch(`${api.url}/api/v1/registry/info`)).text()
    const errorsBefore = await loadErrors(api)
    writeFileSync(file, '{"data": {"servers": [ {"name": 1} ]')
    await waitFor(async () => ((await loadErrors(api)) > errorsBefore ? true : undefined), 5_000)
    const res = await fetch(`${api.url}/api/v1/registry/info`)
    expect([res.status, await res.text()]).to.deep.equal([200, good])
    expect((await fetch(`${api.url}/readiness`)).status).to.equal(200)
  })

  it('stays unready when the first file is invalid, then serves once it is fixed', async () => {
    writeFileSync(file, 'not json')
    expect(await loader.load()).to.equal('failed')
    loader.watch()
    expect((await fetch(`${api.url}/readiness`)).status).to.equal(503)
    writeFileSync(file, original)
    await waitFor(async () => ((await fetch(`${api.url}/readiness`)).status === 200 ? true : undefined), 5_000)
    expect(((await (await fetch(`${api.url}/api/v1/registry/info`)).json()) as { serverCount: number }).serverCount).to.equal(12)
  })

  it('reports an unchanged file as unchanged', async () => {
    expect([await loader.load(), await loader.load()]).to.deep.equal(['swapped', 'unchanged'])
  })

  it('counts a file it cannot read as read and an invalid one as invalid, serving nothing of either', async () => {
    rmSync(file)
    expect(await loader.load()).to.equal('failed')
    writeFileSync(file, '{"data": {"servers": [ {"name": 1} ]}}')
    expect(await loader.load()).to.equal('failed')
    expect(await loadErrorsBy(api)).to.deep.equal({ read: 1, invalid: 1 })
    expect((await fetch(`${api.url}/readiness`)).status).to.equal(503)
  })
})

describe('fileViewsBuilder', () => {
  it('serves the same answers as a snapshot built in this thread, for the same file and time', async () => {
    const file = fixturePath('toolhive-upstream-registry-2025-12-11.json')
    const identity = { name: 'same', namespace: 'default', path: file }
    const now = (): Date => new Date('2026-01-01T00:00:00Z')
    const built = fileSnapshotBuilder(identity, now)(readFileSync(file))
    if (built._tag === 'Left') throw new Error(built.left.message)
    const inThread = await startApi(renderToolHiveForTests, built.right)
    const inWorker = await startApi(renderToolHiveForTests)
    try {
      const views = await fileViewsBuilder(identity, inWorker.store.viewOptions, now)(file)
      if ('failed' in views) throw new Error(views.message)
      inWorker.store.offerViews(views.views)
      for (const path of ['/api/v1/registry/info', '/api/v1/registry/servers', '/v0.1/servers?limit=5', '/api/v1/registry/servers/fetch']) {
        const [a, b] = await Promise.all([inThread, inWorker].map(async (api) => {
          // Identity only: a compressed variant appears once precompressed, at a time of its own in each API.
          const res = await fetch(`${api.url}${path}`, { headers: { 'accept-encoding': 'identity' } })
          return [res.status, res.headers.get('etag'), await res.text()]
        }))
        expect(b, path).to.deep.equal(a)
        expect(a?.[0], path).to.equal(200)
      }
    } finally {
      await inThread.close()
      await inWorker.close()
    }
  })
})
