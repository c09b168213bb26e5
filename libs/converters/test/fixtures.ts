// The real fixtures (copied into the repository from shared/): `$THV_SHARED_DIR/fixtures`, else `testdata/fixtures`.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** Absolute path of a shared fixture. */
export function fixturePath(name: string): string {
  const dir = join(process.env['THV_SHARED_DIR'] ?? join(REPO_ROOT, 'testdata'), 'fixtures')
  if (!existsSync(dir)) throw new Error(`No shared fixtures at ${dir} (set THV_SHARED_DIR)`)
  return join(dir, name)
}

/** Raw bytes of a shared fixture. */
export function readFixtureBytes(name: string): Uint8Array {
  return readFileSync(fixturePath(name))
}

/** Parsed JSON of a shared fixture. */
export function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8'))
}

export const ToolHiveFile = 'toolhive-registry.json'
export const ToolHiveUpstreamFile = 'toolhive-upstream-registry-2025-12-11.json'
export const LegacySeedFile = 'upstream-seed-2025-05-16.json'
