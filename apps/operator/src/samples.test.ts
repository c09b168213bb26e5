// The manifests in config/samples are valid: every MCPRegistry spec decodes and its source ConfigMap holds JSON
// that the converters turn into a snapshot.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { buildSnapshot } from '@thv/converters'
import { decodeMCPRegistrySpec } from '@thv/registry-model'
import * as E from 'fp-ts/lib/Either.js'
import { parseAllDocuments } from 'yaml'

const SAMPLES = fileURLToPath(new URL('../../../config/samples', import.meta.url))

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f)
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(f) && !f.startsWith('kustomization') ? [path] : []
  })
}

describe('config/samples', () => {
  const docs = yamlFiles(SAMPLES).flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: unknown; data?: Record<string, string> }))
  const registries = docs.filter((d) => d.kind === 'MCPRegistry')
  const configMaps = docs.filter((d) => d.kind === 'ConfigMap')

  it('holds two MCPRegistries (design shape and ToolHive shape) and their ConfigMap', () => {
    expect([registries.map((r) => r.metadata.name).sort(), configMaps.map((c) => c.metadata.name)]).to.deep.equal([['production-registry', 'toolhive-registry'], ['registry-data']])
  })

  for (const name of ['production-registry', 'toolhive-registry']) {
    it(`has a valid spec and buildable data for ${name}`, () => {
      const spec = decodeMCPRegistrySpec(registries.find((r) => r.metadata.name === name)?.spec)
      expect(E.isRight(spec) ? 'valid' : spec.left.message).to.equal('valid')
      if (E.isLeft(spec)) return
      const source = spec.right.source
      if (source === undefined) throw new Error(`${name} has no spec.source`)
      const raw = configMaps.find((c) => c.metadata.name === source.configmap?.name)?.data?.[source.configmap?.key ?? 'registry.json'] ?? ''
      const built = buildSnapshot({
        raw, declaredFormat: source.format, filter: spec.right.filter, now: new Date('2026-01-01T00:00:00Z'),
        registry: { name, namespace: 'default', source: { type: 'configmap', ref: 'default/registry-data#registry.json' } },
      })
      expect(E.isRight(built) ? built.right.servers.length : built.left.message).to.equal(8)
    })
  }
})
