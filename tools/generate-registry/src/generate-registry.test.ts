import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { expect } from 'chai'
import { generateRegistry, type ToolHiveRegistryDocument } from './generate-registry.js'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
function fixture(name: string): unknown {
  const dir = join(process.env['THV_SHARED_DIR'] ?? join(REPO_ROOT, 'testdata'), 'fixtures')
  if (!existsSync(dir)) throw new Error(`No shared fixtures at ${dir} (set THV_SHARED_DIR)`)
  return JSON.parse(readFileSync(join(dir, name), 'utf8'))
}

const template = fixture('toolhive-registry.json') as ToolHiveRegistryDocument

describe('generateRegistry', () => {
  it('generates exactly count servers with unique names valid as ToolHive keys', () => {
    const doc = generateRegistry({ template, count: 500, seed: 3 })
    const names = [...Object.keys(doc.servers), ...Object.keys(doc.remote_servers ?? {})]
    expect(names).to.have.length(500)
    expect(new Set(names).size).to.equal(500)
    expect(names.filter((n) => !/^[a-z0-9][a-z0-9-]+[a-z0-9]$/.test(n))).to.deep.equal([])
    expect(Object.keys(doc.remote_servers ?? {}).length).to.be.greaterThan(0)
  })

  it('is deterministic per seed and differs between seeds', () => {
    const a = generateRegistry({ template, count: 200, seed: 9 })
    expect(generateRegistry({ template, count: 200, seed: 9 })).to.deep.equal(a)
    expect(generateRegistry({ template, count: 200, seed: 10 })).to.not.deep.equal(a)
  })

  it('produces a document valid against the ToolHive registry schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats.default(ajv)
    const validate = ajv.compile(fixture('toolhive-registry.schema.json') as object)
    const ok = validate(generateRegistry({ template, count: 300, seed: 1 }))
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).to.deep.equal([])
    expect(ok).to.equal(true)
  })

  it('rejects a negative count', () => {
    expect(() => generateRegistry({ template, count: -1 })).to.throw(RangeError, 'count must be a non-negative integer, got -1')
  })
})
