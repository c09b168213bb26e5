import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { startApi, type RunningApi } from '../test/support/api-harness.js'
import { fixturePath, readFixture } from '../test/support/fixtures.js'
import { getChecked } from '../test/support/http-client.js'
import { renderToolHiveForTests } from '../test/support/toolhive.js'
import { fileSnapshotBuilder } from './formats.js'

type ToolHiveFixture = { servers: Record<string, Record<string, unknown>>; remote_servers: Record<string, Record<string, unknown>> }
interface ListBody { servers: { server: { name: string } }[]; metadata: { count: number; nextCursor?: string } }

async function serveFile(name: string): Promise<RunningApi> {
  const build = fileSnapshotBuilder({ name: 'fixture', namespace: 'default', path: fixturePath(name) }, () => new Date('2026-01-01T00:00:00Z'))
  const built = build(readFileSync(fixturePath(name)))
  if (E.isLeft(built)) throw new Error(built.left.message)
  return startApi(renderToolHiveForTests, built.right)
}

async function walkAll(api: RunningApi, limit: number): Promise<ListBody['servers']> {
  const items: ListBody['servers'] = []
  let cursor: string | undefined
  do {
    const qs = new URLSearchParams({ limit: String(limit), ...(cursor === undefined ? {} : { cursor }) })
    const body = (await getChecked(`${api.url}/v0.1/servers?${qs.toString()}`, '/v0.1/servers', { upstream: 'ServerList' })).json as ListBody
    items.push(...body.servers)
    cursor = body.metadata.nextCursor
  } while (cursor !== undefined)
  return items
}

describe('serving the real fixtures in both formats (HTTP)', () => {
  describe('ToolHive format (toolhive-registry.json)', () => {
    let api: RunningApi
    const fixture = readFixture('toolhive-registry.json') as ToolHiveFixture
    before(async () => { api = await serveFile('toolhive-registry.json') })
    after(() => api.close())

    it('serves the ToolHive document equal to the source file', async () => {
      const res = await getChecked(`${api.url}/api/v1/registry/servers`, '/api/v1/registry/servers')
      expect(res.json).to.deep.equal(fixture)
    })

    it('finds an image entry and a remote entry by ToolHive key, and by %2F-encoded full name', async () => {
      const remoteKey = Object.keys(fixture.remote_servers)[0] as string
      const image = await getChecked(`${api.url}/api/v1/registry/servers/fetch`, '/api/v1/registry/servers/{name}')
      const byFullName = await getChecked(`${api.url}/api/v1/registry/servers/io.github.stacklok%2Ffetch`, '/api/v1/registry/servers/{name}')
      const remote = await getChecked(`${api.url}/api/v1/registry/servers/${encodeURIComponent(remoteKey)}`, '/api/v1/registry/servers/{name}')
      expect(image.json).to.deep.equal({ name: 'fetch', ...fixture.servers['fetch'] })
      expect(byFullName.json).to.deep.equal(image.json)
      expect(remote.json).to.deep.equal({ name: remoteKey, ...fixture.remote_servers[remoteKey] })
    })

    it('lists all 86 servers over /v0.1 with valid server.json (limit 30)', async () => {
      const items = await walkAll(api, 30)
      expect(items.map((i) => i.server.name)).to.deep.equal(
        [...Object.keys(fixture.servers), ...Object.keys(fixture.remote_servers)].map((k) => `io.github.stacklok/${k}`).sort())
    })

    it('reports the registry info of a ToolHive source', async () => {
      const res = await getChecked(`${api.url}/api/v1/registry/info`, '/api/v1/registry/info')
      expect(res.json).to.deep.include({ format: 'toolhive', serverCount: 86, versionCount: 86, deployedServerCount: 0 })
    })
  })

  describe('upstream format (toolhive-upstream-registry-2025-12-11.json)', () => {
    let api: RunningApi
    const fixture = readFixture('toolhive-upstream-registry-2025-12-11.json') as { data: { servers: { name: string }[] } }
    before(async () => { api = await serveFile('toolhive-upstream-registry-2025-12-11.json') })
    after(() => api.close())

    it('serves every server.json unchanged, in name order, with the official _meta block', async () => {
      const items = await walkAll(api, 7)
      const expected = [...fixture.data.servers].sort((a, b) => (a.name < b.name ? -1 : 1))
      expect(items.map((i) => i.server)).to.deep.equal(expected)
      for (const item of items) {
        expect((item as unknown as { _meta: Record<string, { isLatest: boolean; status: string }> })._meta['io.modelcontextprotocol.registry/official'])
          .to.deep.include({ isLatest: true, status: 'active' })
      }
    })

    it('serves a ToolHive document built from upstream data with one entry per server', async () => {
      const res = await getChecked(`${api.url}/api/v1/registry/servers`, '/api/v1/registry/servers')
      const doc = res.json as ToolHiveFixture
      expect(Object.keys(doc.servers).length + Object.keys(doc.remote_servers ?? {}).length).to.equal(12)
    })
  })
})
