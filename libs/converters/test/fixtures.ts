// The real fixtures (copied into the repository): `$THV_SHARED_DIR/fixtures`, else `testdata/fixtures`.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
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

/** The RFC 8785 test vectors (`testdata/rfc8785`, see its README): every `input/*.json` with its canonical output. */
export function rfc8785Vectors(): Array<{ readonly name: string; readonly input: string; readonly output: Uint8Array }> {
  const dir = join(REPO_ROOT, 'testdata', 'rfc8785')
  return readdirSync(join(dir, 'input')).filter((f) => f.endsWith('.json')).sort().map((name) => ({
    name,
    input: readFileSync(join(dir, 'input', name), 'utf8'),
    output: readFileSync(join(dir, 'output', name)),
  }))
}

export const ToolHiveFile = 'toolhive-registry.json'
export const ToolHiveUpstreamFile = 'toolhive-upstream-registry-2025-12-11.json'
export const LegacySeedFile = 'upstream-seed-2025-05-16.json'
