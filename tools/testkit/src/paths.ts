/** Filesystem locations the whole-system tests and the local stack use. */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Absolute path of the repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/**
 * The folder with the real fixtures: `$THV_SHARED_DIR`, else `testdata/` in the repository.
 * Throws when it does not exist, naming where it looked.
 */
export function sharedDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const dir = env.THV_SHARED_DIR ?? join(REPO_ROOT, 'testdata')
  if (!existsSync(join(dir, 'fixtures'))) throw new Error(`No shared fixtures at ${dir}/fixtures (set THV_SHARED_DIR)`)
  return dir
}

/** Path of one file in `testdata/fixtures`, e.g. `toolhive-registry.json`. */
export function fixturePath(name: string): string {
  return join(sharedDir(), 'fixtures', name)
}
