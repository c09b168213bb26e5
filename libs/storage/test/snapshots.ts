// Snapshots for storage tests, built with @thv/converters from the real fixtures and from generated registries.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as E from 'fp-ts/lib/Either.js'
import { buildSnapshot } from '@thv/converters'
import { generateRegistry, type ToolHiveRegistryDocument } from '@thv/generate-registry'
import type { RegistrySnapshot } from '@thv/registry-model'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SYNCED_AT = new Date('2026-11-25T00:00:00Z')

/** Raw bytes of a shared fixture (`$THV_SHARED_DIR/fixtures`, else `testdata/fixtures` in the repository). */
export function readFixtureBytes(name: string): Buffer {
  const dir = join(process.env['THV_SHARED_DIR'] ?? join(REPO_ROOT, 'testdata'), 'fixtures')
  if (!existsSync(dir)) throw new Error(`No shared fixtures at ${dir} (set THV_SHARED_DIR)`)
  return readFileSync(join(dir, name))
}

/** The real ToolHive registry fixture, parsed. */
export function toolhiveFixture(): ToolHiveRegistryDocument {
  return JSON.parse(readFixtureBytes('toolhive-registry.json').toString('utf8')) as ToolHiveRegistryDocument
}

/** The snapshot {@link buildSnapshot} makes of `raw` for registry `name` (throws when the data is invalid). */
export function snapshotOfRaw(raw: string | Uint8Array, name = 'demo', namespace = 'test'): RegistrySnapshot {
  const built = buildSnapshot({
    raw,
    registry: { name, namespace, source: { type: 'configmap', ref: `${namespace}/registry-data#registry.json` } },
    now: SYNCED_AT,
  })
  if (E.isLeft(built)) throw new Error(`Fixture snapshot failed: ${built.left.message}`, { cause: built.left })
  return built.right
}

const generated = new Map<string, RegistrySnapshot>()

/** A snapshot of `count` generated servers (deterministic per seed; built once per run, treat it as read-only). */
export function generatedSnapshot(count: number, seed = 1): RegistrySnapshot {
  const key = `${count}/${seed}`
  const cached = generated.get(key)
  if (cached !== undefined) return cached
  const snapshot = snapshotOfRaw(JSON.stringify(generateRegistry({ template: toolhiveFixture(), count, seed })))
  generated.set(key, snapshot)
  return snapshot
}
