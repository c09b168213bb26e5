/** Compiles the operator to JavaScript as its container image does, for runs of what ships (benchmarks). */
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from './paths.js'

/**
 * The projects compiled for the operator image, in dependency order: each `tsconfig.lib.json` resolves its siblings
 * through their built `dist/` typings. The same list and order as the build stage of apps/operator/Dockerfile.
 */
export const OPERATOR_BUILD_PROJECTS = [
  'libs/registry-model', 'libs/kube-calls', 'libs/app-runtime', 'libs/converters', 'libs/k8s-reconcile', 'libs/sources', 'libs/storage', 'apps/operator',
] as const

/**
 * Compiles {@link OPERATOR_BUILD_PROJECTS} into their `dist/` folders (git-ignored; incremental after the first run),
 * so that `node apps/operator/dist/main.js` runs the JavaScript the image runs. Rejects with tsc's output on errors.
 */
export async function buildOperator(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  for (const project of OPERATOR_BUILD_PROJECTS) {
    try {
      await promisify(execFile)(process.execPath, [tsc, '-p', join(project, 'tsconfig.lib.json')], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 })
    } catch (err) {
      const out = err as { stdout?: string; stderr?: string }
      throw new Error(`Compiling ${project} failed:\n${out.stdout ?? ''}${out.stderr ?? ''}`, { cause: err })
    }
  }
}
