import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Kubernetes version of the pinned control-plane binaries (must match build/build-binaries.sh). */
export const KubernetesVersion = 'v1.35.4'

/** Every binary the control plane can run; kustomize is built alongside for e2e (`config/default`). */
export const BinaryNames = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kustomize'] as const

/** Name of one control-plane binary. */
export type BinaryName = (typeof BinaryNames)[number]

/** Binaries a plane without controllers needs. */
export const CoreBinaries: readonly BinaryName[] = ['etcd', 'kube-apiserver']

/** Binaries a plane with controllers (Deployments, garbage collection, fake node) needs. */
export const ControllerBinaries: readonly BinaryName[] = ['kube-controller-manager', 'kube-scheduler', 'kwok']

/** Where a binary was found: an explicit `TEST_ASSET_*` variable, `KUBEBUILDER_ASSETS`, the cache, or a fresh build. */
export type BinarySource = 'TEST_ASSET' | 'KUBEBUILDER_ASSETS' | 'cache' | 'built'

/** One located binary. */
export interface LocatedBinary {
  readonly path: string
  readonly source: BinarySource
}

/** Result of {@link findBinaries}: what was found and what is missing. */
export interface BinaryLookup {
  readonly found: Partial<Record<BinaryName, LocatedBinary>>
  readonly missing: readonly BinaryName[]
  /** The cache folder searched (and filled by the build script). */
  readonly cacheDir: string
}

/** Environment variables the lookup reads (passed in; defaults to `process.env` at call time). */
export type LookupEnv = Readonly<Record<string, string | undefined>>

/**
 * The binary cache folder: `$THV_K8S_BIN_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/thv-registry/k8s-<version>`.
 * Same rule as build/build-binaries.sh.
 */
export function binaryCacheDir(env: LookupEnv = process.env): string {
  if (env.THV_K8S_BIN_DIR) return env.THV_K8S_BIN_DIR
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return join(cacheHome, 'thv-registry', `k8s-${KubernetesVersion}`)
}

/** `TEST_ASSET_KUBE_APISERVER` for `kube-apiserver` (envtest's naming). */
export function testAssetVariable(name: BinaryName): string {
  return `TEST_ASSET_${name.toUpperCase().replace(/-/g, '_')}`
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** File with kwok's Stage documents, produced by build/build-binaries.sh from the kwok module. */
export const KwokStagesFile = 'kwok-stages.yaml'

/**
 * kwok v0.8 has no built-in stages, so a kwok binary counts only together with {@link KwokStagesFile}, looked up
 * next to the binary, then in the cache.
 */
export function findKwokStages(kwokPath: string, env: LookupEnv = process.env): string | undefined {
  return [join(dirname(kwokPath), KwokStagesFile), join(binaryCacheDir(env), KwokStagesFile)].find((p) => existsSync(p))
}

/**
 * Looks the given binaries up in order: `TEST_ASSET_<NAME>` (a file), `KUBEBUILDER_ASSETS` (controller-runtime envtest
 * folder layout), then the cache folder. Never builds.
 */
export function findBinaries(names: readonly BinaryName[], env: LookupEnv = process.env): BinaryLookup {
  const cacheDir = binaryCacheDir(env)
  const found: Partial<Record<BinaryName, LocatedBinary>> = {}
  const missing: BinaryName[] = []
  for (const name of names) {
    const candidates: LocatedBinary[] = []
    const asset = env[testAssetVariable(name)]
    if (asset) candidates.push({ path: asset, source: 'TEST_ASSET' })
    if (env.KUBEBUILDER_ASSETS) candidates.push({ path: join(env.KUBEBUILDER_ASSETS, name), source: 'KUBEBUILDER_ASSETS' })
    candidates.push({ path: join(cacheDir, name), source: 'cache' })
    const hit = candidates.find((c) => isExecutable(c.path) && (name !== 'kwok' || findKwokStages(c.path, env) !== undefined))
    if (hit) found[name] = hit
    else missing.push(name)
  }
  return { found, missing, cacheDir }
}

/** Path of the build script shipped with this package. */
export function buildScriptPath(): string {
  return fileURLToPath(new URL('../build/build-binaries.sh', import.meta.url))
}

/** Options of {@link ensureBinaries}. */
export interface EnsureBinariesOptions {
  readonly env?: LookupEnv
  /** Receives build progress lines; default: written to stderr. */
  readonly onProgress?: (line: string) => void
}

/**
 * Finds the binaries, building the missing ones from their Go modules (build/build-binaries.sh, one-time, tens of
 * minutes on 2 cores) when needed. Fails with a message naming what is missing and why (e.g. no Go toolchain).
 */
export async function ensureBinaries(
  names: readonly BinaryName[],
  opts: EnsureBinariesOptions = {},
): Promise<Record<BinaryName, LocatedBinary>> {
  const env = opts.env ?? process.env
  const first = findBinaries(names, env)
  if (first.missing.length === 0) return first.found as Record<BinaryName, LocatedBinary>
  const progress = opts.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`))
  progress(`[control-plane] missing ${first.missing.join(', ')} in ${first.cacheDir}; building from Go modules (one-time)`)
  await runBuildScript(env, progress, first.missing)
  const second = findBinaries(names, env)
  if (second.missing.length > 0) {
    throw new Error(`Control-plane binaries still missing after the build: ${second.missing.join(', ')} (looked in ${second.cacheDir})`)
  }
  const result = { ...second.found }
  for (const name of first.missing) {
    const located = result[name]
    if (located) result[name] = { ...located, source: 'built' }
  }
  return result as Record<BinaryName, LocatedBinary>
}

async function runBuildScript(env: LookupEnv, progress: (line: string) => void, missing: readonly BinaryName[]): Promise<void> {
  const script = buildScriptPath()
  const child = spawn('bash', [script], { env: { ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  const tail: string[] = []
  let partial = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      tail.push(line)
      if (tail.length > 30) tail.shift()
      // `go: downloading ...` lines are noise (hundreds); the script's own lines are the progress.
      if (line.startsWith('[control-plane build]')) progress(line)
    }
  })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (c) => resolve(c))
  })
  if (code !== 0) {
    const why = code === 3 ? 'the Go toolchain (go >= 1.25) is not installed' : `build script exited with ${code}`
    throw new Error(
      `Cannot build the control-plane binaries ${missing.join(', ')}: ${why}. ` +
        `Alternatively set KUBEBUILDER_ASSETS to a folder holding them. Script: ${script}\n${tail.join('\n')}`,
    )
  }
}
