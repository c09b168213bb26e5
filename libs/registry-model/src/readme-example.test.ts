import { expect } from 'chai'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { listServers } from '../examples/usage.js'
import { sharedDir } from '../test/support.js'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')

describe('README example (examples/usage.ts)', () => {
  it('is pasted into README.md verbatim', () => {
    const example = readFileSync(join(packageDir, 'examples', 'usage.ts'), 'utf8').trimEnd()
    expect(readFileSync(join(packageDir, 'README.md'), 'utf8')).to.include('```ts\n' + example + '\n```')
  })

  it('lists the image servers of the ToolHive fixture', () => {
    const lines = listServers(join(sharedDir, 'fixtures', 'toolhive-registry.json')).split('\n')
    expect(lines).to.have.length(68)
    expect(lines).to.include('fetch\tghcr.io/stackloklabs/gofetch/server:0.0.6')
  })

  it('explains invalid JSON and invalid documents', () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-model-'))
    writeFileSync(join(dir, 'bad.json'), '{"version": "1.0.0",\n "servers": }')
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ version: '1', last_updated: '2025-09-30T00:17:43Z', servers: {} }))
    expect(listServers(join(dir, 'bad.json'))).to.equal("Invalid JSON at byte 33 (line 2, column 13): expected a value, found character '}'")
    expect(listServers(join(dir, 'wrong.json'))).to.equal('Invalid ToolHiveRegistry: version: must match the pattern ^\\d+\\.\\d+\\.\\d+$, got string "1"')
  })
})
