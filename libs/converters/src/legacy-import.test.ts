import { expect } from 'chai'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { decodeServerJson } from '@thv/registry-model'
import { LegacySeedFile, readFixture } from '../test/fixtures.js'
import { importLegacy } from './legacy-import.js'

const entry = (over: Record<string, unknown> = {}) => ({
  id: '4e9cf4cf-71f6-4aca-bae8-2d10a29ca2e0',
  name: 'io.github.x/demo',
  description: 'Demo server',
  repository: { url: 'https://github.com/x/demo', source: 'github', id: '1' },
  version_detail: { version: '0.0.1-seed', release_date: '2025-05-16T18:56:49Z', is_latest: true },
  ...over,
})
const SCHEMA = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json'

describe('importLegacy', () => {
  it('maps a full entry field by field', () => {
    const [r] = importLegacy([entry({
      packages: [
        { registry_name: 'docker', name: 'mcp/demo', version: '1.2.0', runtime_hint: 'docker',
          runtime_arguments: [{ type: 'named', name: '-e', value: 'TOKEN', is_required: true }],
          package_arguments: [{ type: 'positional', value_hint: 'path', is_repeated: true, format: 'string' }],
          environment_variables: [{ name: 'TOKEN', description: 'API token', is_secret: true }] },
        { registry_name: 'npm', name: '@x/demo', version: '1.2.0' },
      ],
      remotes: [{ transport_type: 'streamable', url: 'https://demo.x.example/mcp', headers: [{ name: 'X-Key', is_required: true }] }],
    })])
    expect(r).to.deep.equal({
      index: 0, name: 'io.github.x/demo', version: '0.0.1-seed', outcome: 'imported',
      notes: ['packages/0: OCI image tag taken from version "1.2.0"'],
      publishedAt: '2025-05-16T18:56:49Z',
      server: {
        $schema: SCHEMA, name: 'io.github.x/demo', description: 'Demo server', version: '0.0.1-seed',
        repository: { url: 'https://github.com/x/demo', source: 'github', id: '1' },
        packages: [
          { registryType: 'oci', identifier: 'mcp/demo:1.2.0', transport: { type: 'stdio' }, runtimeHint: 'docker',
            runtimeArguments: [{ type: 'named', name: '-e', value: 'TOKEN', isRequired: true }],
            packageArguments: [{ type: 'positional', valueHint: 'path', isRepeated: true, format: 'string' }],
            environmentVariables: [{ name: 'TOKEN', description: 'API token', isSecret: true }] },
          { registryType: 'npm', identifier: '@x/demo', version: '1.2.0', transport: { type: 'stdio' } },
        ],
        remotes: [{ type: 'streamable-http', url: 'https://demo.x.example/mcp', headers: [{ name: 'X-Key', isRequired: true }] }],
      },
    })
    expect(E.isRight(decodeServerJson(r?.server))).to.equal(true)
  })

  const cases: ReadonlyArray<[string, Record<string, unknown>, 'imported' | 'skipped', string[]]> = [
    ['skips an entry without a name', { name: '' }, 'skipped', ['name: missing or empty; entry skipped']],
    ['skips an entry with an invalid name', { name: 'no-slash' }, 'skipped', ['name: "no-slash" is not a valid namespace/name; entry skipped']],
    ['skips an entry without a version', { version_detail: { version: '' } }, 'skipped', ['version_detail/version: missing or empty; entry skipped']],
    ['drops a package of registry "unknown"', { packages: [{ registry_name: 'unknown', name: 'x', version: '1' }] }, 'imported', ['packages/0: registry_name "unknown" has no upstream registryType; package dropped']],
    ['notes an npm package without version', { packages: [{ registry_name: 'npm', name: 'x', version: '' }] }, 'imported', ['packages/0: no package version']],
    ['drops a remote with an unknown transport', { remotes: [{ transport_type: '', url: 'https://x.example' }] }, 'imported', ['remotes/0: transport_type "" unknown; remote dropped']],
    ['drops a remote with a non-http URL', { remotes: [{ transport_type: 'sse', url: 'ftp://x' }] }, 'imported', ['remotes/0: url "ftp://x" is not an http(s) URL; remote dropped']],
    ['replaces an empty description by the name', { description: '' }, 'imported', ['description: empty; replaced by the name']],
    ['cuts a long description', { description: 'd'.repeat(150) }, 'imported', ['description: 150 characters, cut to 100']],
    ['drops an empty repository', { repository: { url: '', source: '', id: '' } }, 'imported', ['repository: url or source empty; dropped']],
    ['drops an invalid release date', { version_detail: { version: '1.0.0', release_date: 'yesterday' } }, 'imported', ['version_detail/release_date: "yesterday" is not a date-time; dropped']],
    ['names unknown fields', { extra: 1, packages: [{ registry_name: 'pypi', name: 'p', version: '1', odd: true }] }, 'imported', ['packages/0/odd: unknown field dropped', 'extra: unknown field dropped']],
    ['drops a positional argument without value', { packages: [{ registry_name: 'npm', name: 'p', version: '1', package_arguments: [{ type: 'positional' }] }] }, 'imported', ['packages/0/package_arguments/0: positional argument without value or value_hint; dropped']],
  ]
  for (const [title, over, outcome, notes] of cases) {
    it(title, () => {
      const [r] = importLegacy([entry(over)])
      expect({ outcome: r?.outcome, notes: r?.notes }).to.deep.equal({ outcome, notes })
      if (r?.server !== undefined) expect(decodeServerJson(r.server)).to.satisfy(E.isRight)
    })
  }

  it('skips a repeated name and version', () => {
    const r = importLegacy([entry(), entry()])
    expect(r.map((x) => [x.outcome, x.notes])).to.deep.equal([
      ['imported', []], ['skipped', ['duplicate of an earlier io.github.x/demo version 0.0.1-seed; entry skipped']],
    ])
  })

  it('imports the real seed into valid server.json, one report per entry', () => {
    const seed = readFixture(LegacySeedFile) as unknown[]
    const reports = importLegacy(seed)
    expect(reports.length).to.equal(seed.length)
    expect(reports.filter((r) => r.outcome === 'imported').length).to.equal(464)
    for (const r of reports) if (r.server !== undefined) expect(decodeServerJson(r.server), `entry ${r.index}`).to.satisfy(E.isRight)
  })

  it('never throws and reports every entry on arbitrary input', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.jsonValue(), fc.record({ name: fc.string(), version_detail: fc.record({ version: fc.string() }), packages: fc.array(fc.jsonValue()) }))), (seed) => {
      expect(importLegacy(seed).length).to.equal(seed.length)
    }))
  })
})
