import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { decodeLegacyServerList } from './legacy-server.codec.js'
import { issuesOf } from '../test/support.js'

const entry = {
  id: '4e9cf4cf-71f6-4aca-bae8-2d10a29ca2e0',
  name: 'io.github.21st-dev/magic-mcp',
  description: 'Magic',
  repository: { url: 'https://github.com/21st-dev/magic-mcp', source: 'github', id: '935450522' },
  version_detail: { version: '0.0.1-seed', release_date: '2025-05-16T18:56:49Z', is_latest: true },
  packages: [{ registry_name: 'npm', name: '@21st-dev/magic', version: '0.0.46', environment_variables: [{ name: 'API_KEY', description: '${input:apiKey}' }] }],
}

describe('LegacyServerListCodec', () => {
  it('decodes a seed entry unchanged', () => {
    expect(decodeLegacyServerList([entry])).to.deep.equal(E.right([entry]))
  })

  const cases: ReadonlyArray<readonly [string, unknown, readonly string[]]> = [
    ['rejects an entry without version_detail', [{ ...entry, version_detail: undefined }], ['0/version_detail: is required']],
    ['rejects a non-boolean is_latest', [{ ...entry, version_detail: { version: '1', is_latest: 'yes' } }], ['0/version_detail/is_latest: expected boolean, got string "yes"']],
    ['rejects a package without registry_name', [{ ...entry, packages: [{ name: 'x' }] }], ['0/packages/0/registry_name: is required']],
    ['rejects a non-array document', { servers: [] }, ['expected array, got object']],
  ]
  for (const [title, doc, expected] of cases) it(title, () => expect(issuesOf(decodeLegacyServerList(doc))).to.deep.equal(expected))
})
