/** Renders a kustomization (e.g. config/default) into Kubernetes objects, as `kubectl apply -k` would. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { KubernetesObject } from '@kubernetes/client-node'
import { parseManifests } from '@thv/testkit'
import { binaryCacheDir, findBinaries } from './binaries.js'

const run = promisify(execFile)

/**
 * The command that renders a kustomization: `$THV_KUSTOMIZE`, else the `kustomize` binary built with the
 * control-plane binaries (`findBinaries`: TEST_ASSET_KUSTOMIZE, KUBEBUILDER_ASSETS, the cache), else `kubectl kustomize`
 * when a kubectl is on PATH. Throws naming what is missing.
 */
export async function kustomizeCommand(env: Readonly<Record<string, string | undefined>> = process.env): Promise<readonly string[]> {
  if (env.THV_KUSTOMIZE) return [env.THV_KUSTOMIZE, 'build']
  const built = findBinaries(['kustomize'], env).found.kustomize
  if (built) return [built.path, 'build']
  for (const [bin, sub] of [['kustomize', 'build'], ['kubectl', 'kustomize']] as const) {
    try {
      await run(bin, ['version'], { timeout: 10_000 })
      return [bin, sub]
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return [bin, sub]
    }
  }
  throw new Error(`No kustomize found: looked in ${binaryCacheDir(env)} (run tools/control-plane/build/build-binaries.sh), on PATH, and for kubectl`)
}

/** Runs `kustomize build <dir>` and returns the rendered objects in order. */
export async function renderKustomization(dir: string): Promise<KubernetesObject[]> {
  const [bin, ...sub] = await kustomizeCommand()
  if (bin === undefined) throw new Error('Empty kustomize command')
  try {
    const { stdout } = await run(bin, [...sub, dir], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 })
    return parseManifests(stdout)
  } catch (err) {
    throw new Error(`Could not render the kustomization ${dir} with ${bin}`, { cause: err })
  }
}
