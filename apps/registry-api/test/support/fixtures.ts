// Locations of the shared real fixtures and specs (outside the repository, like the other packages' tests use them).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')

/** The shared folder: `$THV_SHARED_DIR`, else `testdata/` in the repository. */
export function sharedDir(): string {
  const dir = process.env['THV_SHARED_DIR'] ?? join(REPO_ROOT, 'testdata')
  if (!existsSync(join(dir, 'fixtures'))) throw new Error(`No shared fixtures at ${dir}/fixtures (set THV_SHARED_DIR)`)
  return dir
}

/** Absolute path of a file in testdata/fixtures. */
export function fixturePath(name: string): string {
  return join(sharedDir(), 'fixtures', name)
}

/** Absolute path of a file in testdata/spec. */
export function specPath(name: string): string {
  return join(sharedDir(), 'spec', name)
}

/** Parsed JSON of a shared fixture. */
export function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8'))
}
